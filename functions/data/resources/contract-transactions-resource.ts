import { z } from 'zod';

import type { DataResource } from '../data-resource.js';
import { amount, calendarDay } from '../item-values.js';
import { fiscalYear, listQuerySchema, recordId } from '../list-query-schema.js';

/** One contract action: a base award or modification and the dollars it obligated. */
export const ContractTransactionSchema = z
  .object({
    id: z.number().int(),
    division: z.string(),
    contractId: z.number().int(),
    actionDate: calendarDay,
    lastModifiedDate: calendarDay,
    fiscalYear: z.number().int(),
    actionType: z.string().nullable(),
    modificationNumber: z.string(),
    federalActionObligation: amount,
    description: z.string(),
  });
export type ContractTransaction = z.infer<typeof ContractTransactionSchema>;

/** Who may read each field of a contract transaction in clear. */
export const CONTRACT_TRANSACTION_FIELDS = {
  id: 'PUBLIC',
  division: 'PUBLIC',
  contractId: 'PUBLIC',
  actionDate: 'PUBLIC',
  lastModifiedDate: 'PUBLIC',
  fiscalYear: 'PUBLIC',
  actionType: 'PUBLIC',
  modificationNumber: 'PUBLIC',
  federalActionObligation: 'INTERNAL',
  description: 'INTERNAL',
} as const satisfies DataResource<ContractTransaction, never>['fields'];

const ContractTransactionRowSchema = z.object({
  id: z.number().int(),
  division: z.string(),
  contract_id: z.number().int(),
  action_date: z.string(),
  last_modified_date: z.string(),
  fiscal_year: z.number().int(),
  action_type: z.string().nullable(),
  modification_number: z.string(),
  federal_action_obligation: z.string(),
  description: z.string(),
});
type ContractTransactionRow = z.infer<typeof ContractTransactionRowSchema>;

export const ListContractTransactionsQuerySchema = listQuerySchema(
  ['id', 'actionDate', 'federalActionObligation'],
  {
    fiscalYear: fiscalYear.optional(),
    contractId: recordId.optional(),
    actionType: z
      .string()
      .regex(/^[A-Z]$/)
      .optional(),
  },
);
export type ListContractTransactionsQuery = z.infer<typeof ListContractTransactionsQuerySchema>;

export const contractTransactionsResource: DataResource<
  ContractTransaction,
  ListContractTransactionsQuery
> = {
  noun: 'contract-transactions',
  table: 'contract_transactions',
  row: ContractTransactionRowSchema,
  item: ContractTransactionSchema,
  itemId: 'ContractTransaction',
  versioned: true,
  fields: CONTRACT_TRANSACTION_FIELDS,
  sorts: {
    id: { column: 'id', type: 'integer' },
    actionDate: { column: 'action_date', type: 'date' },
    federalActionObligation: { column: 'federal_action_obligation', type: 'numeric' },
  },
  filters: (query, { eb }) => [
    ...(query.fiscalYear === undefined ? [] : [eb('fiscal_year', '=', query.fiscalYear)]),
    ...(query.contractId === undefined ? [] : [eb('contract_id', '=', query.contractId)]),
    ...(query.actionType === undefined ? [] : [eb('action_type', '=', query.actionType)]),
  ],
  toItem: (raw) => {
    const row = raw as ContractTransactionRow;
    return {
      id: row.id,
      division: row.division,
      contractId: row.contract_id,
      actionDate: row.action_date,
      lastModifiedDate: row.last_modified_date,
      fiscalYear: row.fiscal_year,
      actionType: row.action_type,
      modificationNumber: row.modification_number,
      federalActionObligation: row.federal_action_obligation,
      description: row.description,
    };
  },
};
