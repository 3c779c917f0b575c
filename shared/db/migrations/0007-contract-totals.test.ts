import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { migrationProvider } from './index.js';

describe('migration 0007 on a store that already holds contracts', () => {
  let store: TestDatabase;

  beforeAll(async () => {
    store = await startTestDatabase({ seed: false });
  });
  afterAll(() => store.dispose());

  it('keeps the untracked part of the total and counts obligations created before it', async () => {
    const rows = await store.db.unsafeWithoutScope(async (db) => {
      // The test store is migrated to the latest; start again from before 0007.
      const migrator = new Migrator({ db, provider: migrationProvider });
      const down = await migrator.migrateTo('0006-maintenance-role');
      expect(down.error).toBeUndefined();
      await sql`INSERT INTO vendors (id, division, duns, name, state, business_categories)
        VALUES (1, 'DC', '000000001', 'Probe', 'DC', '{}')`.execute(db);
      await sql`INSERT INTO contracts (id, vendor_id, division, piid, pulled_from, awarding_agency,
          awarding_subagency, awarding_subagency_code, funding_subagency, total_obligation,
          total_obligation_bin, description, naics_code, psc_code, psc_description,
          pricing_type, extent_competed, first_action_date, last_action_date)
        VALUES (7, 1, 'DC', 'P', 'x', 'DOT', 'FHWA', 'FHWA', 'FHWA', 999900.00, '<1M', 'd',
          '541330', 'C1LB', 'p', 'J', 'A', '2017-07-05', '2017-07-05')`.execute(db);
      await sql`INSERT INTO contract_transactions (id, contract_id, division, action_date,
          last_modified_date, fiscal_year, modification_number, federal_action_obligation,
          description)
        VALUES (11, 7, 'DC', '2017-07-05', '2017-07-05', 2017, '0', 300.00, 'loaded'),
          (1000000001, 7, 'DC', '2024-01-02', '2024-01-02', 2024, '1', 100.10, 'created')
        `.execute(db);
      const up = await migrator.migrateToLatest();
      expect(up.error).toBeUndefined();
      const { rows: read } = await sql`SELECT untracked_obligation, total_obligation,
          total_obligation_bin, first_action_date::text, last_action_date::text
        FROM contracts WHERE id = 7`.execute(db);
      return read;
    });
    expect(rows).toEqual([
      {
        untracked_obligation: '999600.00',
        total_obligation: '1000000.10',
        total_obligation_bin: '1M..25M',
        first_action_date: '2017-07-05',
        last_action_date: '2024-01-02',
      },
    ]);
  });
});
