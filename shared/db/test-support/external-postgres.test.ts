import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { APP_ROLE } from '../migrations/0001-financial-records.js';
import { externalPostgresUrl } from './external-postgres.js';
import { startTestDatabase, testPrincipal, type TestDatabase } from './test-database.js';

const adminUrl = externalPostgresUrl();
/** The cluster directory `scripts/ci-postgres.sh` made; its `log/` holds pgaudit's lines. */
const clusterDir = process.env['EDS_TEST_PG_DIR'];
// A real auditee EIN from the Single Audit file (Syracuse University, first data row).
const KNOWN_EIN = '150532081';

/** The server log once it shows a pgaudit line for an insert into `recipients`. */
async function readAuditLog(dir: string): Promise<string> {
  for (let attempt = 0; ; attempt += 1) {
    const text = await readFile(`${dir}/log/postgresql.log`, 'utf8');
    if (/AUDIT: SESSION,\d+,\d+,WRITE,INSERT,TABLE,public\.recipients,/.test(text)) return text;
    if (attempt === 50) return text;
    await delay(100);
  }
}

describe('externalPostgresUrl', () => {
  it('refuses a server that is not on a loopback address', () => {
    const env = { EDS_TEST_PG_URL: 'postgres://postgres@db.example.org:5432/postgres' };
    expect(() => externalPostgresUrl(env)).toThrow(/loopback/);
  });

  it('means the embedded store when unset or empty', () => {
    expect(externalPostgresUrl({})).toBeUndefined();
    expect(externalPostgresUrl({ EDS_TEST_PG_URL: '' })).toBeUndefined();
  });
});

describe.skipIf(adminUrl === undefined)('store tests on a real PostgreSQL server', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await startTestDatabase();
  });

  afterAll(async () => {
    await t?.dispose();
  });

  async function setting(name: string): Promise<string | undefined> {
    const result = await t.db.unsafeWithoutScope((db) =>
      sql<{ value: string }>`SELECT current_setting(${name}, true) AS value`.execute(db),
    );
    return result.rows[0]?.value;
  }

  it('runs on the server, not PGlite, with pgaudit preloaded to log write, ddl, role', async () => {
    const version = await t.db.unsafeWithoutScope((db) =>
      sql<{ version: string }>`SELECT version()`.execute(db),
    );
    expect(version.rows[0]?.version).toMatch(/^PostgreSQL 1[5-9]\.\d+ /);
    const preload = await t.db.unsafeWithoutScope((db) =>
      sql<{ shared_preload_libraries: string }>`SHOW shared_preload_libraries`.execute(db),
    );
    expect(preload.rows[0]?.shared_preload_libraries.split(/,\s*/)).toContain('pgaudit');
    expect(await setting('pgaudit.log')).toBe('write, ddl, role');
  });

  it('holds the app role the migrations expect, without superuser or BYPASSRLS', async () => {
    const result = await t.db.unsafeWithoutScope((db) =>
      sql<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>`
        SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles
        WHERE rolname = ${APP_ROLE}`.execute(db),
    );
    expect(result.rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcanlogin: false }]);
  });

  it('scopes rows on the server for eds_app even though the test user is a superuser', async () => {
    await t.db.unsafeWithoutScope((db) =>
      sql`INSERT INTO accounts (division, code, title, agency, subagency) VALUES
        ('DC', 'T-DC', 'Test DC', 'DOT', 'FHWA'), ('MD', 'T-MD', 'Test MD', 'DOT', 'FHWA')`.execute(
        db,
      ),
    );
    const seen = await t.db.withScope(testPrincipal(['EDS.Reader'], ['MD']), async (trx) => {
      const result = await sql<{ code: string; role: string }>`
        SELECT code, current_user AS role FROM accounts WHERE code LIKE 'T-%'`.execute(trx);
      return result.rows;
    });
    expect(seen).toEqual([{ code: 'T-MD', role: APP_ROLE }]);
  });

  it.skipIf(clusterDir === undefined)(
    "logs the seed's writes through pgaudit without a plaintext EIN in the log",
    async () => {
      const log = await readAuditLog(clusterDir!);
      expect(log).toMatch(/AUDIT: SESSION,\d+,\d+,WRITE,INSERT,TABLE,public\.recipients,/);
      expect(log).toMatch(/AUDIT: SESSION,\d+,\d+,ROLE,/);
      expect(log).not.toContain(KNOWN_EIN);
    },
  );
});
