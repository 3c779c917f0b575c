import { createHash } from 'node:crypto';

import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { migrationProvider } from './index.js';

const FINGERPRINT = 'a'.repeat(64);

describe('migration 0011: idempotency keys kept as their digest', () => {
  let store: TestDatabase;

  beforeAll(async () => {
    store = await startTestDatabase({ seed: false });
  });
  afterAll(() => store.dispose());

  it('rewrites a key stored as sent to its SHA-256; row security stays forced', async () => {
    const sent = 'eyJhbGciOiJIUzI1NiJ9.client-put-a-token-here';
    const outcome = await store.db.unsafeWithoutScope(async (db) => {
      const migrator = new Migrator({ db, provider: migrationProvider });
      expect((await migrator.migrateTo('0010-idempotency-key-purge')).error).toBeUndefined();
      // As the owner, past the forced row-level security, as a record written before 0011.
      await sql`ALTER TABLE idempotency_keys NO FORCE ROW LEVEL SECURITY`.execute(db);
      await sql`INSERT INTO idempotency_keys (principal_id, key, fingerprint)
        VALUES ('migration-probe', ${sent}, ${FINGERPRINT})`.execute(db);
      await sql`ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY`.execute(db);
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      await sql`ALTER TABLE idempotency_keys NO FORCE ROW LEVEL SECURITY`.execute(db);
      const keys = await sql<{ key: string }>`SELECT key FROM idempotency_keys
        WHERE principal_id = 'migration-probe'`.execute(db);
      await sql`DELETE FROM idempotency_keys WHERE principal_id = 'migration-probe'`.execute(db);
      await sql`ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY`.execute(db);
      const forced = await sql<{ forced: boolean }>`SELECT relforcerowsecurity AS forced
        FROM pg_class WHERE relname = 'idempotency_keys'`.execute(db);
      return { keys: keys.rows, forced: forced.rows };
    });
    const digest = createHash('sha256').update(sent).digest('hex');
    expect(outcome).toEqual({ keys: [{ key: digest }], forced: [{ forced: true }] });
  });
});
