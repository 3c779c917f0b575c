import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isAppError } from '../errors/app-error.js';
import { createLogger } from '../logging/logger.js';
import { migrateToLatest } from './migrate-to-latest.js';
import { createPostgresAppDatabase } from './postgres-app-database.js';
import { FINANCIAL_TABLES } from './schema.js';
import { seedFinanceData } from './seed/seed-finance-data.js';
import { externalPostgresUrl } from './test-support/external-postgres.js';
import {
  FINANCE_DIR,
  startTestDatabase,
  testPrincipal,
  type TestDatabase,
} from './test-support/test-database.js';

// A real auditee EIN from the Single Audit file (Syracuse University, first data row).
const KNOWN_EIN = '150532081';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('postgres app database over embedded PGlite', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await startTestDatabase({ persist: true });
  });

  afterAll(async () => {
    await t.dispose();
  });

  it('loads the real row counts of the three finance files on first start', () => {
    expect(t.seed).toEqual({
      singleAudit: { recipients: 172, awards: 968, expenditures: 1013, skipped: 0 },
      contracts: { vendors: 43, contracts: 116, contract_transactions: 127, skipped: 0 },
      accounts: { accounts: 217, account_obligations: 1302, skipped: 0 },
    });
  });

  it('re-applies migrations as a no-op and a second seed adds nothing', async () => {
    expect(await migrateToLatest(t.db, t.logger)).toEqual([]);
    const before = await countAll(t);
    const again = await seedFinanceData({
      db: t.db,
      cipher: t.cipher,
      logger: t.logger,
      dir: FINANCE_DIR,
    });
    expect(again).toEqual({
      singleAudit: 'already_loaded',
      contracts: 'already_loaded',
      accounts: 'already_loaded',
    });
    expect(await countAll(t)).toEqual(before);
  });

  it('forces row-level security on every financial table', async () => {
    const rows = await t.db.unsafeWithoutScope(async (db) => {
      const result = await sql<{
        relname: string;
        relrowsecurity: boolean;
        relforcerowsecurity: boolean;
      }>`
        SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
        WHERE relname = ANY (${[...FINANCIAL_TABLES]}) ORDER BY relname`.execute(db);
      return result.rows;
    });
    expect(rows).toHaveLength(FINANCIAL_TABLES.length);
    expect(rows.every((row) => row.relrowsecurity && row.relforcerowsecurity)).toBe(true);
  });

  it('shows raw SQL run as eds_app scoped to DC only DC rows, with no WHERE clause', async () => {
    const principal = testPrincipal(['EDS.Analyst'], ['DC']);
    for (const table of FINANCIAL_TABLES) {
      const seen = await t.db.withScope(principal, async (trx) => {
        const result = await sql<{
          division: string;
        }>`SELECT division FROM ${sql.table(table)}`.execute(trx);
        return result.rows.map((row) => row.division);
      });
      const dcRows = await t.db.unsafeWithoutScope(async (db) => {
        const result = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE division = 'DC'`.execute(db);
        return result.rows[0]?.n;
      });
      expect(
        seen.every((division) => division === 'DC'),
        table,
      ).toBe(true);
      expect(seen.length, table).toBe(dcRows);
    }
    const total = await t.db.withScope(principal, async (trx) => {
      const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM expenditures`.execute(
        trx,
      );
      return result.rows[0]?.n;
    });
    expect(total).toBe(185);
  });

  it('shows a principal with no divisions no row of any table', async () => {
    const principal = testPrincipal(['EDS.Manager'], []);
    for (const table of FINANCIAL_TABLES) {
      const count = await t.db.withScope(principal, async (trx) => {
        const result = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(trx);
        return result.rows[0]?.n;
      });
      expect(count, table).toBe(0);
    }
  });

  it('denies writes to the read-only application role', async () => {
    const principal = testPrincipal(['EDS.Manager'], ['DC']);
    const attempt = t.db.withScope(principal, (trx) =>
      sql`UPDATE recipients SET name = 'x' WHERE division = 'MD'`.execute(trx),
    );
    await expect(attempt).rejects.toMatchObject({ code: '42501' });
  });

  it('leaks no role or divisions of a scoped transaction to the next unscoped query', async () => {
    await t.db.withScope(testPrincipal(['EDS.Reader'], ['MD']), async () => undefined);
    const state = await t.db.unsafeWithoutScope(async (db) => {
      const result = await sql<{ role: string; divisions: string | null }>`
        SELECT current_user AS role, current_setting('eds.divisions', true) AS divisions`.execute(
        db,
      );
      return result.rows[0];
    });
    expect(state?.role).toBe('postgres');
    expect(state?.divisions ?? '').toBe('');
  });

  it('stores EINs only as envelope ciphertext that decrypts under the row context', async () => {
    const rows = await t.db.unsafeWithoutScope((db) =>
      db.selectFrom('recipients').select(['id', 'ein_ciphertext', 'ein_last4']).execute(),
    );
    expect(rows.some((row) => row.ein_ciphertext.includes(KNOWN_EIN))).toBe(false);
    const syracuse = rows.find((row) => row.ein_last4 === KNOWN_EIN.slice(-4));
    expect(syracuse).toBeDefined();
    const clear = await t.cipher.decrypt(
      syracuse!.ein_ciphertext as never,
      `recipients.ein:${syracuse!.id}`,
    );
    expect(clear).toBe(KNOWN_EIN);
  });

  // A real server's files are its own; this scan is of the embedded cluster's directory.
  it.skipIf(externalPostgresUrl() !== undefined)(
    'leaves no plaintext EIN in any file of the data directory',
    async () => {
      await t.stop();
      const files = await listFiles(t.dataDir!);
      expect(files.length).toBeGreaterThan(100);
      const needle = Buffer.from(KNOWN_EIN, 'utf8');
      const hits: string[] = [];
      for (const file of files) {
        if ((await readFile(file)).includes(needle)) hits.push(file);
      }
      expect(hits).toEqual([]);
    },
  );
});

describe('store outages', () => {
  it('maps an unreachable store to STORE_UNAVAILABLE with a retry hint', async () => {
    const server = new (await import('node:net')).Server();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const db = createPostgresAppDatabase(
      `postgres://postgres@127.0.0.1:${port}/postgres`,
      createLogger('silent'),
    );
    try {
      await db.withScope(testPrincipal(['EDS.Reader'], ['DC']), async () => undefined);
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.code).toBe('STORE_UNAVAILABLE');
      expect(isAppError(error) && error.details.retryAfterSeconds).toBe(5);
    } finally {
      await db.close();
    }
  });

  it('maps a connection terminated mid-request to STORE_UNAVAILABLE', async () => {
    const t = await startTestDatabase({ seed: false });
    try {
      const pool = new pg.Pool({ connectionString: t.server.url, max: 1 });
      const db = createPostgresAppDatabase(pool, createLogger('silent'));
      const attempt = db.withScope(testPrincipal(['EDS.Reader'], ['DC']), async (trx) => {
        await t.server.stop();
        return sql`SELECT 1`.execute(trx);
      });
      await expect(attempt).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await db.close();
    } finally {
      await t.dispose();
    }
  });
});

async function countAll(t: TestDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of FINANCIAL_TABLES) {
    counts[table] = await t.db.unsafeWithoutScope(async (db) => {
      const result = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db);
      return result.rows[0]?.n ?? -1;
    });
  }
  return counts;
}
