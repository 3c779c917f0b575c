import { z } from 'zod';

import type { DataResource } from '../data-resource.js';
import {
  assistanceListing,
  fiscalYear,
  listQuerySchema,
  queryBoolean,
  recordId,
} from '../list-query-schema.js';

/** A federal award a recipient holds, as reported on its Single Audit schedules. */
export const AwardSchema = z
  .object({
    id: z.number().int(),
    division: z.string(),
    recipientId: z.number().int(),
    aln: z.string(),
    programName: z.string(),
    catalogTitle: z.string().nullable(),
    clusterName: z.string().nullable(),
    awardIdentification: z.string().nullable(),
    directAward: z.boolean(),
    passthroughEntities: z.array(z.string()),
    passthroughAwardIds: z.array(z.string()),
    highwayProgram: z.boolean(),
    firstAuditYear: z.number().int(),
    lastAuditYear: z.number().int(),
  });
export type Award = z.infer<typeof AwardSchema>;

/** Who may read each field of an award in clear. */
export const AWARD_FIELDS = {
  id: 'PUBLIC',
  division: 'PUBLIC',
  recipientId: 'PUBLIC',
  aln: 'PUBLIC',
  programName: 'PUBLIC',
  catalogTitle: 'PUBLIC',
  clusterName: 'PUBLIC',
  awardIdentification: 'INTERNAL',
  directAward: 'PUBLIC',
  passthroughEntities: 'INTERNAL',
  // State project and agreement numbers tie an award to procurement files.
  passthroughAwardIds: 'CONFIDENTIAL',
  highwayProgram: 'PUBLIC',
  firstAuditYear: 'PUBLIC',
  lastAuditYear: 'PUBLIC',
} as const satisfies DataResource<Award, never>['fields'];

const AwardRowSchema = z.object({
  id: z.number().int(),
  division: z.string(),
  recipient_id: z.number().int(),
  aln: z.string(),
  program_name: z.string(),
  catalog_title: z.string().nullable(),
  cluster_name: z.string().nullable(),
  award_identification: z.string().nullable(),
  direct_award: z.boolean(),
  passthrough_entities: z.string().nullable(),
  passthrough_award_ids: z.string().nullable(),
  is_fhwa_highway_program: z.boolean(),
  first_audit_year: z.number().int(),
  last_audit_year: z.number().int(),
});

/** Splits the FAC's ` | `-joined pass-through lists. */
export function splitPassthrough(value: string | null): string[] {
  return value === null ? [] : value.split(' | ').map((part) => part.trim());
}

export const ListAwardsQuerySchema = listQuerySchema(['id', 'aln', 'lastAuditYear'], {
  aln: assistanceListing.optional(),
  fiscalYear: fiscalYear.optional(),
  recipientId: recordId.optional(),
  directAward: queryBoolean.optional(),
  highwayProgram: queryBoolean.optional(),
});
export type ListAwardsQuery = z.infer<typeof ListAwardsQuerySchema>;

export const awardsResource: DataResource<Award, ListAwardsQuery> = {
  noun: 'awards',
  table: 'awards',
  row: AwardRowSchema,
  item: AwardSchema,
  itemId: 'Award',
  fields: AWARD_FIELDS,
  sorts: {
    id: { column: 'id', type: 'integer' },
    aln: { column: 'aln', type: 'text' },
    lastAuditYear: { column: 'last_audit_year', type: 'integer' },
  },
  filters: (query, { eb }) => [
    ...(query.aln === undefined ? [] : [eb('aln', '=', query.aln)]),
    ...(query.fiscalYear === undefined
      ? []
      : [
          eb.exists(
            eb
              .selectFrom('expenditures as e')
              .select(eb.lit(1).as('one'))
              .whereRef('e.award_id', '=', 'awards.id')
              .where('e.fiscal_year', '=', query.fiscalYear),
          ),
        ]),
    ...(query.recipientId === undefined ? [] : [eb('recipient_id', '=', query.recipientId)]),
    ...(query.directAward === undefined ? [] : [eb('direct_award', '=', query.directAward)]),
    ...(query.highwayProgram === undefined
      ? []
      : [eb('is_fhwa_highway_program', '=', query.highwayProgram)]),
  ],
  toItem: (raw) => {
    const row = raw as z.infer<typeof AwardRowSchema>;
    return {
      id: row.id,
      division: row.division,
      recipientId: row.recipient_id,
      aln: row.aln,
      programName: row.program_name,
      catalogTitle: row.catalog_title,
      clusterName: row.cluster_name,
      awardIdentification: row.award_identification,
      directAward: row.direct_award,
      passthroughEntities: splitPassthrough(row.passthrough_entities),
      passthroughAwardIds: splitPassthrough(row.passthrough_award_ids),
      highwayProgram: row.is_fhwa_highway_program,
      firstAuditYear: row.first_audit_year,
      lastAuditYear: row.last_audit_year,
    };
  },
};
