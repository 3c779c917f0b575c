import { z } from 'zod';

import { ENTITY_TYPES } from '../../../shared/db/schema.js';
import type { DataResource } from '../data-resource.js';
import { assistanceListing, fiscalYear, listQuerySchema } from '../list-query-schema.js';

/** An audited organisation that receives federal transportation funds. */
export const RecipientSchema = z
  .object({
    id: z.number().int(),
    division: z.string(),
    name: z.string(),
    city: z.string(),
    state: z.string(),
    zip: z.string(),
    uei: z.string().nullable(),
    entityType: z.enum(ENTITY_TYPES),
    /** Masked (`*****6789`); the clear value only through the audited unmask endpoint. */
    ein: z.string(),
  });
export type Recipient = z.infer<typeof RecipientSchema>;

/** Who may read each field of a recipient in clear. */
export const RECIPIENT_FIELDS = {
  id: 'PUBLIC',
  division: 'PUBLIC',
  name: 'PUBLIC',
  city: 'PUBLIC',
  state: 'PUBLIC',
  zip: 'INTERNAL',
  uei: 'CONFIDENTIAL',
  entityType: 'PUBLIC',
  ein: 'RESTRICTED',
} as const satisfies DataResource<Recipient, never>['fields'];

const RecipientRowSchema = z.object({
  id: z.number().int(),
  division: z.string(),
  name: z.string(),
  city: z.string(),
  state: z.string(),
  zip: z.string(),
  uei: z.string().nullable(),
  entity_type: z.enum(ENTITY_TYPES),
  ein_last4: z.string().regex(/^\d{4}$/),
});
type RecipientRow = z.infer<typeof RecipientRowSchema>;

/** The masked display form of an EIN from its last four digits. */
export function maskEin(last4: string): string {
  return `*****${last4}`;
}

export const ListRecipientsQuerySchema = listQuerySchema(['id', 'name'], {
  aln: assistanceListing.optional(),
  fiscalYear: fiscalYear.optional(),
  entityType: z.enum(ENTITY_TYPES).optional(),
});
export type ListRecipientsQuery = z.infer<typeof ListRecipientsQuerySchema>;

export const recipientsResource: DataResource<Recipient, ListRecipientsQuery> = {
  noun: 'recipients',
  table: 'recipients',
  row: RecipientRowSchema,
  item: RecipientSchema,
  itemId: 'Recipient',
  fields: RECIPIENT_FIELDS,
  sorts: {
    id: { column: 'id', type: 'integer' },
    name: { column: 'name', type: 'text' },
  },
  filters: (query, { eb }) => [
    ...(query.aln === undefined
      ? []
      : [
          eb.exists(
            eb
              .selectFrom('awards as a')
              .select(eb.lit(1).as('one'))
              .whereRef('a.recipient_id', '=', 'recipients.id')
              .where('a.aln', '=', query.aln),
          ),
        ]),
    ...(query.fiscalYear === undefined
      ? []
      : [
          eb.exists(
            eb
              .selectFrom('expenditures as e')
              .select(eb.lit(1).as('one'))
              .whereRef('e.recipient_id', '=', 'recipients.id')
              .where('e.fiscal_year', '=', query.fiscalYear),
          ),
        ]),
    ...(query.entityType === undefined ? [] : [eb('entity_type', '=', query.entityType)]),
  ],
  toItem: (raw) => {
    const row = raw as RecipientRow;
    return {
      id: row.id,
      division: row.division,
      name: row.name,
      city: row.city,
      state: row.state,
      zip: row.zip,
      uei: row.uei,
      entityType: row.entity_type,
      ein: maskEin(row.ein_last4),
    };
  },
};
