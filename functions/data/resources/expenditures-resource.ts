import { z } from 'zod';

import type { DataResource } from '../data-resource.js';
import { amount, calendarDay } from '../item-values.js';
import {
  assistanceListing,
  fiscalYear,
  listQuerySchema,
  queryBoolean,
  recordId,
} from '../list-query-schema.js';

/** One Single Audit expenditure line: an award's spending in one audited fiscal year. */
export const ExpenditureSchema = z
  .object({
    id: z.number().int(),
    division: z.string(),
    awardId: z.number().int(),
    recipientId: z.number().int(),
    aln: z.string(),
    dbkey: z.number().int(),
    auditYear: z.number().int(),
    fiscalYear: z.number().int(),
    fiscalPeriodStart: calendarDay,
    fiscalPeriodEnd: calendarDay,
    facAcceptedDate: calendarDay,
    programName: z.string(),
    amountExpended: amount,
    programTotalExpended: amount,
    clusterTotalExpended: amount.nullable(),
    auditeeTotalFederalExpenditures: amount,
    passedToSubrecipients: z.boolean(),
    amountPassedToSubrecipients: amount,
    majorProgram: z.boolean(),
    majorProgramOpinion: z.string().nullable(),
    findingsCount: z.number().int(),
    oversightAgency: z.string().nullable(),
  });
export type Expenditure = z.infer<typeof ExpenditureSchema>;

/** Who may read each field of an expenditure in clear. */
export const EXPENDITURE_FIELDS = {
  id: 'PUBLIC',
  division: 'PUBLIC',
  awardId: 'PUBLIC',
  recipientId: 'PUBLIC',
  aln: 'PUBLIC',
  dbkey: 'PUBLIC',
  auditYear: 'PUBLIC',
  fiscalYear: 'PUBLIC',
  fiscalPeriodStart: 'PUBLIC',
  fiscalPeriodEnd: 'PUBLIC',
  facAcceptedDate: 'PUBLIC',
  programName: 'PUBLIC',
  amountExpended: 'INTERNAL',
  programTotalExpended: 'INTERNAL',
  clusterTotalExpended: 'INTERNAL',
  auditeeTotalFederalExpenditures: 'INTERNAL',
  passedToSubrecipients: 'INTERNAL',
  amountPassedToSubrecipients: 'INTERNAL',
  majorProgram: 'INTERNAL',
  // Audit results stay with analysts until findings are resolved.
  majorProgramOpinion: 'CONFIDENTIAL',
  findingsCount: 'CONFIDENTIAL',
  oversightAgency: 'INTERNAL',
} as const satisfies DataResource<Expenditure, never>['fields'];

const ExpenditureRowSchema = z.object({
  id: z.number().int(),
  division: z.string(),
  award_id: z.number().int(),
  recipient_id: z.number().int(),
  aln: z.string(),
  dbkey: z.number().int(),
  audit_year: z.number().int(),
  fiscal_year: z.number().int(),
  fiscal_period_start: z.string(),
  fiscal_period_end: z.string(),
  fac_accepted_date: z.string(),
  program_name: z.string(),
  amount_expended: z.string(),
  program_total_expended: z.string(),
  cluster_total_expended: z.string().nullable(),
  auditee_total_federal_expenditures: z.string(),
  passed_to_subrecipients: z.boolean(),
  amount_passed_to_subrecipients: z.string(),
  major_program: z.boolean(),
  major_program_opinion: z.string().nullable(),
  findings_count: z.number().int(),
  oversight_agency: z.string().nullable(),
});
type ExpenditureRow = z.infer<typeof ExpenditureRowSchema>;

export const ListExpendituresQuerySchema = listQuerySchema(['id', 'amountExpended', 'auditYear'], {
  aln: assistanceListing.optional(),
  fiscalYear: fiscalYear.optional(),
  auditYear: fiscalYear.optional(),
  awardId: recordId.optional(),
  recipientId: recordId.optional(),
  majorProgram: queryBoolean.optional(),
  hasFindings: queryBoolean.optional(),
});
export type ListExpendituresQuery = z.infer<typeof ListExpendituresQuerySchema>;

export const expendituresResource: DataResource<Expenditure, ListExpendituresQuery> = {
  noun: 'expenditures',
  table: 'expenditures',
  row: ExpenditureRowSchema,
  item: ExpenditureSchema,
  itemId: 'Expenditure',
  fields: EXPENDITURE_FIELDS,
  sorts: {
    id: { column: 'id', type: 'integer' },
    amountExpended: { column: 'amount_expended', type: 'numeric' },
    auditYear: { column: 'audit_year', type: 'integer' },
  },
  confidentialFilters: ['hasFindings'],
  filters: (query, { eb }) => [
    ...(query.aln === undefined ? [] : [eb('aln', '=', query.aln)]),
    ...(query.fiscalYear === undefined ? [] : [eb('fiscal_year', '=', query.fiscalYear)]),
    ...(query.auditYear === undefined ? [] : [eb('audit_year', '=', query.auditYear)]),
    ...(query.awardId === undefined ? [] : [eb('award_id', '=', query.awardId)]),
    ...(query.recipientId === undefined ? [] : [eb('recipient_id', '=', query.recipientId)]),
    ...(query.majorProgram === undefined ? [] : [eb('major_program', '=', query.majorProgram)]),
    ...(query.hasFindings === undefined
      ? []
      : [eb('findings_count', query.hasFindings ? '>' : '=', 0)]),
  ],
  toItem: (raw) => {
    const row = raw as ExpenditureRow;
    return {
      id: row.id,
      division: row.division,
      awardId: row.award_id,
      recipientId: row.recipient_id,
      aln: row.aln,
      dbkey: row.dbkey,
      auditYear: row.audit_year,
      fiscalYear: row.fiscal_year,
      fiscalPeriodStart: row.fiscal_period_start,
      fiscalPeriodEnd: row.fiscal_period_end,
      facAcceptedDate: row.fac_accepted_date,
      programName: row.program_name,
      amountExpended: row.amount_expended,
      programTotalExpended: row.program_total_expended,
      clusterTotalExpended: row.cluster_total_expended,
      auditeeTotalFederalExpenditures: row.auditee_total_federal_expenditures,
      passedToSubrecipients: row.passed_to_subrecipients,
      amountPassedToSubrecipients: row.amount_passed_to_subrecipients,
      majorProgram: row.major_program,
      majorProgramOpinion: row.major_program_opinion,
      findingsCount: row.findings_count,
      oversightAgency: row.oversight_agency,
    };
  },
};
