import type { Insertable } from 'kysely';

import type { Division } from '../../auth/divisions.js';
import type { AccountObligationsTable, AccountsTable } from '../schema.js';
import { AccountObligationRowSchema } from './finance-row-schemas.js';
import { readCsvRows } from './read-csv-rows.js';
import {
  insertInBatches,
  reserveIds,
  type DatasetCounts,
  type SeedContext,
} from './seed-context.js';
import { resolveInside } from '../../fs/safe-path.js';

export const ACCOUNTS_FILE = 'usaspending_dot_federal_account_obligations_fy2017q2_fy2018q3.csv';

/**
 * Federal (Treasury appropriation) accounts are national, not held by a state: they belong to
 * FHWA headquarters, which sits in Washington, so they are filed under the DC division.
 *
 * LIMITATION: only callers assigned DC see accounts and their obligations.
 */
export const NATIONAL_ACCOUNT_DIVISION: Division = 'DC';

/** Loads federal accounts and their quarterly obligations, in the open transaction. */
export async function seedAccounts(context: SeedContext, dir: string): Promise<DatasetCounts> {
  const { trx } = context;
  const rows = await readCsvRows(resolveInside(dir, ACCOUNTS_FILE), AccountObligationRowSchema);
  const codes = [...new Set(rows.map((row) => row.federal_account_code))];
  const ids = await reserveIds(trx, 'accounts', codes.length);
  const idByCode = new Map(codes.map((code, index) => [code, ids[index] as number]));
  const accounts: Insertable<AccountsTable>[] = codes.map((code) => {
    const row = rows.find((candidate) => candidate.federal_account_code === code);
    return {
      id: idByCode.get(code) as number,
      division: NATIONAL_ACCOUNT_DIVISION,
      code,
      title: row?.Title ?? code,
      agency: row?.Agency ?? '',
      subagency: row?.Subagency ?? '',
    };
  });
  const obligations: Insertable<AccountObligationsTable>[] = rows.map((row) => ({
    account_id: idByCode.get(row.federal_account_code) as number,
    division: NATIONAL_ACCOUNT_DIVISION,
    fiscal_year: row.fy,
    quarter: row.q,
    period_end: row.reporting_period_end,
    obligation: row.Obligation,
    unobligated: row.Unobligated,
  }));

  await insertInBatches(trx, 'accounts', accounts);
  await insertInBatches(trx, 'account_obligations', obligations);
  return { accounts: accounts.length, account_obligations: obligations.length, skipped: 0 };
}
