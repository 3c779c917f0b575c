/**
 * Migration 0007: a contract's derived fields follow its transactions. Compatibility: applied
 * migrations never change; a later change is a new migration.
 *
 * The seed takes `total_obligation` (and its bin) from USAspending's award total at extraction,
 * which also counts actions outside the loaded file, so it is not the sum of the loaded
 * transactions (445873: 1,099,942.12 against one loaded action of 260,131.78). The dates are the
 * earliest and latest loaded action. Writes changed transactions and left all four alone.
 *
 * - `untracked_obligation`: the part of the total from actions EDS does not hold, so that
 *   `total_obligation = untracked_obligation + sum(federal_action_obligation)` over the
 *   contract's transactions. 0 for a contract whose actions are all in EDS.
 * - Existing rows: the untracked part is the total less the loaded (USAspending) actions as they
 *   stand; then totals, bins and dates are recomputed, which counts obligations created in EDS
 *   before this migration. An amount already changed by `PATCH` on a loaded action before it
 *   cannot be told from the original, so that change is taken as part of the untracked total.
 * - `eds_app` may update the four derived columns; the division policy of migration 0001 keeps
 *   those updates inside the caller's divisions.
 */
import { sql, type Kysely } from 'kysely';

import { FIRST_EDS_OBLIGATION_ID } from './0003-writes.js';

const DERIVED_COLUMNS = [
  'total_obligation',
  'total_obligation_bin',
  'first_action_date',
  'last_action_date',
] as const;

/** USAspending's award-size buckets, by the total obligation (its `obligation_to_enum`). */
const BIN_OF_TOTAL = sql`CASE
  WHEN c.total_obligation < 1000000 THEN '<1M'
  WHEN c.total_obligation < 25000000 THEN '1M..25M'
  WHEN c.total_obligation < 100000000 THEN '25M..100M'
  WHEN c.total_obligation < 500000000 THEN '100M..500M'
  ELSE '>500M' END`;

const SET_UNTRACKED = sql`
UPDATE contracts AS c
SET untracked_obligation = c.total_obligation - coalesce((
  SELECT sum(t.federal_action_obligation) FROM contract_transactions AS t
  WHERE t.contract_id = c.id AND t.id < ${sql.lit(FIRST_EDS_OBLIGATION_ID)}), 0)`;

const RECOMPUTE_TOTALS = sql`
UPDATE contracts AS c
SET total_obligation = c.untracked_obligation + t.obligated,
  first_action_date = coalesce(t.first_action, c.first_action_date),
  last_action_date = coalesce(t.last_action, c.last_action_date)
FROM (
  SELECT contract_id, sum(federal_action_obligation) AS obligated,
    min(action_date) AS first_action, max(action_date) AS last_action
  FROM contract_transactions GROUP BY contract_id
) AS t
WHERE t.contract_id = c.id`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE contracts
    ADD COLUMN untracked_obligation numeric(18, 2) NOT NULL DEFAULT 0`.execute(db);
  // Row-level security is forced even on the owner, and in Azure the owner is no superuser:
  // without this the backfill would see no rows and change nothing, silently. It is restored
  // before the migration's transaction commits.
  for (const table of ['contracts', 'contract_transactions']) {
    await sql`ALTER TABLE ${sql.table(table)} NO FORCE ROW LEVEL SECURITY`.execute(db);
  }
  await SET_UNTRACKED.execute(db);
  await RECOMPUTE_TOTALS.execute(db);
  await sql`UPDATE contracts AS c SET total_obligation_bin = ${BIN_OF_TOTAL}`.execute(db);
  for (const table of ['contracts', 'contract_transactions']) {
    await sql`ALTER TABLE ${sql.table(table)} FORCE ROW LEVEL SECURITY`.execute(db);
  }
  const columns = sql.join(DERIVED_COLUMNS.map((column) => sql.id(column)));
  await sql`GRANT UPDATE (${columns}) ON contracts TO eds_app`.execute(db);
}

/** Takes the column and the grant away; the totals keep the values last computed. */
export async function down(db: Kysely<unknown>): Promise<void> {
  const columns = sql.join(DERIVED_COLUMNS.map((column) => sql.id(column)));
  await sql`REVOKE UPDATE (${columns}) ON contracts FROM eds_app`.execute(db);
  await sql`ALTER TABLE contracts DROP COLUMN untracked_obligation`.execute(db);
}
