import type { Database } from '../schema.js';

/** How a SQL Server column must be read to match what the Postgres driver returns. */
export type MssqlColumnRead = 'date' | 'decimal' | 'json-array';

/**
 * Columns that tedious would not read as the Postgres driver does: `date` (tedious returns a
 * `Date`), `decimal` (tedious returns a lossy `number`) and JSON arrays (Postgres `text[]`).
 * Compatibility: mirrors `migrations/0001-financial-records.ts`; a test checks the two agree.
 */
export const MSSQL_COLUMN_READS: Readonly<
  Partial<Record<keyof Database, Readonly<Record<string, MssqlColumnRead>>>>
> = {
  expenditures: {
    fiscal_period_start: 'date',
    fiscal_period_end: 'date',
    fac_accepted_date: 'date',
    amount_expended: 'decimal',
    program_total_expended: 'decimal',
    cluster_total_expended: 'decimal',
    auditee_total_federal_expenditures: 'decimal',
    amount_passed_to_subrecipients: 'decimal',
  },
  vendors: { business_categories: 'json-array' },
  contracts: {
    total_obligation: 'decimal',
    first_action_date: 'date',
    last_action_date: 'date',
  },
  contract_transactions: {
    action_date: 'date',
    last_modified_date: 'date',
    federal_action_obligation: 'decimal',
  },
  account_obligations: {
    period_end: 'date',
    obligation: 'decimal',
    unobligated: 'decimal',
  },
};
