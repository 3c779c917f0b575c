import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Division } from '../../auth/divisions.js';
import type { Database } from '../schema.js';
import { startTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { migrationProvider } from './index.js';

/** The SQLSTATE a statement fails with, or `ok`. */
async function stateOf(work: Promise<unknown>): Promise<string> {
  return work.then(
    () => 'ok',
    (error: unknown) => String((error as { code?: unknown }).code),
  );
}

/** Runs one statement as the store's owner (no row-level security), in its own transaction. */
function asOwner(store: TestDatabase, statement: (db: Kysely<Database>) => Promise<unknown>) {
  return store.db.unsafeWithoutScope((db) => db.transaction().execute((trx) => statement(trx)));
}

describe('migration 0009: a child row holds its parent’s division', () => {
  let store: TestDatabase;
  let contract: { id: number; division: Division };
  let award: { id: number; division: Division; recipient_id: number };

  beforeAll(async () => {
    store = await startTestDatabase();
    [contract, award] = await store.db.unsafeWithoutScope(async (db) => [
      await db
        .selectFrom('contracts')
        .select(['id', 'division'])
        .where('division', '=', 'DC')
        .orderBy('id')
        .limit(1)
        .executeTakeFirstOrThrow(),
      await db
        .selectFrom('awards')
        .select(['id', 'division', 'recipient_id'])
        .where('division', '=', 'MD')
        .orderBy('id')
        .limit(1)
        .executeTakeFirstOrThrow(),
    ]);
  });
  afterAll(() => store.dispose());

  it('refuses a contract transaction filed under a division not its contract’s', async () => {
    const insert = (division: Division) =>
      asOwner(store, (db) =>
        sql`INSERT INTO contract_transactions (id, contract_id, division, action_date,
            last_modified_date, fiscal_year, modification_number, federal_action_obligation,
            description)
          VALUES (1999999999, ${contract.id}, ${division}, '2024-01-02', '2024-01-02', 2024, 'P1',
            1.00, 'probe')`.execute(db),
      );
    expect(await stateOf(insert('MD'))).toBe('23503');
    const stored = await store.db.unsafeWithoutScope((db) =>
      db.selectFrom('contract_transactions').select('id').where('id', '=', 1999999999).execute(),
    );
    expect(stored).toEqual([]);
  });

  it('refuses moving a child, or a parent that has children, to another division', async () => {
    const moveTransactions = asOwner(store, (db) =>
      db
        .updateTable('contract_transactions')
        .set({ division: 'MD' })
        .where('contract_id', '=', contract.id)
        .execute(),
    );
    expect(await stateOf(moveTransactions)).toBe('23503');
    const moveAward = asOwner(store, (db) =>
      db.updateTable('awards').set({ division: 'VA' }).where('id', '=', award.id).execute(),
    );
    expect(await stateOf(moveAward)).toBe('23503');
    const moved = await store.db.unsafeWithoutScope((db) =>
      db.selectFrom('awards').select('division').where('id', '=', award.id).executeTakeFirst(),
    );
    expect(moved?.division).toBe(award.division);
  });

  it('refuses an expenditure whose recipient is not its award’s', async () => {
    const other = await store.db.unsafeWithoutScope((db) =>
      db
        .selectFrom('recipients')
        .select('id')
        .where('division', '=', award.division)
        .where('id', '<>', award.recipient_id)
        .limit(1)
        .executeTakeFirstOrThrow(),
    );
    const reassign = asOwner(store, (db) =>
      db
        .updateTable('expenditures')
        .set({ recipient_id: other.id })
        .where('award_id', '=', award.id)
        .execute(),
    );
    expect(await stateOf(reassign)).toBe('23503');
  });

  it('stops, changing nothing, on a store that already holds a mismatched row', async () => {
    const outcome = await store.db.unsafeWithoutScope(async (db) => {
      const migrator = new Migrator({ db, provider: migrationProvider });
      expect((await migrator.migrateTo('0008-idempotency-response-text')).error).toBeUndefined();
      await sql`UPDATE account_obligations SET division = 'MD'
        WHERE id = (SELECT min(id) FROM account_obligations)`.execute(db);
      const failed = await migrator.migrateTo('0009-division-follows-parent');
      const constraints = await sql<{ conname: string }>`SELECT conname FROM pg_constraint
        WHERE conname LIKE '%_division_fkey' OR conname LIKE '%_division_key'`.execute(db);
      await sql`UPDATE account_obligations SET division = 'DC'
        WHERE id = (SELECT min(id) FROM account_obligations)`.execute(db);
      const retried = await migrator.migrateTo('0009-division-follows-parent');
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      return { failed, constraints: constraints.rows, retried };
    });
    expect(outcome.failed.error).toBeDefined();
    expect(outcome.constraints).toEqual([]);
    expect(outcome.retried.error).toBeUndefined();
    expect(outcome.retried.results?.map((result) => result.migrationName)).toEqual([
      '0009-division-follows-parent',
    ]);
  });
});
