import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestSigningKey, requestEvent } from '../audit/test-support/audit-fixtures.js';
import { relayAuditEvents } from '../audit/audit-relay.js';
import { createPostgresAuditTrail } from '../audit/postgres-audit-trail.js';
import type { AuditTables } from '../audit/audit-tables.js';
import { createLogger } from '../logging/logger.js';
import type { AppDatabase } from './app-database.js';
import { APP_ROLE } from './migrations/0001-financial-records.js';
import { createPostgresAppDatabase } from './postgres-app-database.js';
import { purgeExpiredIdempotencyKeys } from './purge-idempotency-keys.js';
import { externalPostgresUrl } from './test-support/external-postgres.js';
import {
  startTestDatabase,
  testPrincipal,
  type TestDatabase,
} from './test-support/test-database.js';

const GRANT_SCRIPT = resolve(
  import.meta.dirname,
  '../../infra/scripts/sql/pg-grant-app-rights.sql',
);
const adminUrl = externalPostgresUrl();

/** The SQLSTATE of an error, or what resolved instead. */
async function sqlStateOf(work: Promise<unknown>): Promise<string> {
  return work.then(
    () => 'ok',
    (error: unknown) => String((error as { code?: unknown }).code),
  );
}

/**
 * What the app's managed identity may do in Azure, tried on a real server: a login that is no
 * superuser and owns nothing, given its rights by the deployment's own grant script. (The
 * embedded store and CI's admin connection are superusers, which row-level security never
 * checks; only this shows what the identity sees.)
 */
describe.skipIf(adminUrl === undefined)('the app identity on a real server', () => {
  const role = `eds_identity_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('hex');
  let t: TestDatabase | undefined;
  let identity: AppDatabase | undefined;
  let identityUrl = '';
  /** What `beforeAll` started; it throws when that failed part way. */
  const started = (): { t: TestDatabase; identity: AppDatabase } => {
    if (t === undefined || identity === undefined) throw new Error('set-up did not finish');
    return { t, identity };
  };

  const asAdmin = async (text: string): Promise<pg.QueryResult> => {
    const client = new pg.Client({ connectionString: t?.server.url });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    t = await startTestDatabase();
    const database = new URL(t.server.url).pathname.slice(1);
    await asAdmin(`CREATE ROLE ${role} LOGIN NOSUPERUSER INHERIT PASSWORD '${password}'`);
    // The deployment's script as psql would run it, its variables filled in.
    const script = (await readFile(GRANT_SCRIPT, 'utf8'))
      .replaceAll(':"app_identity"', `"${role}"`)
      .replaceAll(':"DBNAME"', `"${database}"`);
    await asAdmin(script);
    const url = new URL(t.server.url);
    url.username = role;
    url.password = password;
    identityUrl = url.toString();
    identity = createPostgresAppDatabase(identityUrl, createLogger('silent'));
  }, 120_000);

  afterAll(async () => {
    await identity?.close();
    await t?.dispose();
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`DROP ROLE IF EXISTS ${role}`).finally(() => client.end());
  });

  it('holds no table rights of its own, only its two roles', async () => {
    const { rows: grants } = await asAdmin(
      `SELECT table_name FROM information_schema.role_table_grants WHERE grantee = '${role}'`,
    );
    expect(grants).toEqual([]);
    const { rows: roles } = await asAdmin(
      `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
       WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = '${role}') ORDER BY 1`,
    );
    expect(roles.map((row: { rolname: string }) => row.rolname)).toEqual([
      APP_ROLE,
      'eds_maintenance',
    ]);
  });

  it("reads only the caller's divisions through a scoped request", async () => {
    const divisions = await started().identity.withScope(
      testPrincipal(['EDS.Reader'], ['DC']),
      (db) => sql<{ division: string }>`SELECT DISTINCT division FROM awards`.execute(db),
    );
    expect(divisions.rows).toEqual([{ division: 'DC' }]);
  });

  it('reads every row in unscoped work, as search indexing and key rotation need', async () => {
    const count = (db: AppDatabase) =>
      db.unsafeWithoutScope((kysely) =>
        sql<{ n: number }>`SELECT count(*)::int AS n FROM recipients`.execute(kysely),
      );
    const all = (await count(started().t.db)).rows[0]?.n ?? 0;
    expect(all).toBeGreaterThan(1);
    expect((await count(started().identity)).rows[0]?.n).toBe(all);
  });

  it('may re-wrap a tax-id envelope unscoped, and change or delete nothing else', async () => {
    const attempt = (statement: string) =>
      sqlStateOf(started().identity.unsafeWithoutScope((db) => sql.raw(statement).execute(db)));
    const first = 'WHERE id = (SELECT min(id) FROM recipients)';
    expect(await attempt(`UPDATE recipients SET ein_ciphertext = ein_ciphertext ${first}`)).toBe(
      'ok',
    );
    expect(await attempt(`UPDATE recipients SET name = 'changed' ${first}`)).toBe('42501');
    expect(await attempt('DELETE FROM awards')).toBe('42501');
    expect(await attempt('UPDATE audit_events SET type = type')).toBe('42501');
    expect(await attempt('DELETE FROM audit_checkpoints')).toBe('42501');
  });

  it('sees and deletes only expired Idempotency-Key records unscoped, as a purge', async () => {
    const fingerprint = 'a'.repeat(64);
    await asAdmin(`INSERT INTO idempotency_keys (principal_id, key, fingerprint, created_at)
      VALUES ('identity-purge', 'old', '${fingerprint}', now() - interval '2 days'),
        ('identity-purge', 'new', '${fingerprint}', now())`);
    const unscoped = (statement: string) =>
      started().identity.unsafeWithoutScope((db) => sql.raw(statement).execute(db));
    const seen = await unscoped(`SELECT key FROM idempotency_keys`);
    expect(seen.rows).toEqual([{ key: 'old' }]);
    const fresh = await unscoped(`DELETE FROM idempotency_keys WHERE key = 'new'`);
    expect(Number(fresh.numAffectedRows)).toBe(0);
    expect(await purgeExpiredIdempotencyKeys(started().identity)).toBe(1);
    // eds_app's own grant reaches the table too, but its policy shows no record unscoped.
    const changed = await unscoped('UPDATE idempotency_keys SET fingerprint = fingerprint');
    expect(Number(changed.numAffectedRows)).toBe(0);
    const { rows } = await asAdmin(`SELECT key FROM idempotency_keys
      WHERE principal_id = 'identity-purge'`);
    expect(rows).toEqual([{ key: 'new' }]);
  });

  it('appends to the trail as eds_app, relays a queued change and verifies it', async () => {
    const pool = new pg.Pool({ connectionString: identityUrl, max: 2 });
    const key = createTestSigningKey();
    const outboxDir = resolve(started().t.workDir, 'identity-outbox');
    const trail = createPostgresAuditTrail(
      new Kysely<AuditTables>({ dialect: new PostgresDialect({ pool }) }),
      {
        signingKey: key.signing,
        checkpointEvery: 2,
        logger: createLogger('silent'),
        outboxDir,
        role: APP_ROLE,
      },
    );
    try {
      for (let n = 1; n <= 3; n += 1) await trail.append(requestEvent(n));
      await expect(trail.verify()).resolves.toMatchObject({ status: 'intact', count: 3 });
      // A data change queued by a write, moved into the trail by the relay, as the identity.
      const queued = {
        type: 'data.change',
        actor: requestEvent(4).actor,
        correlationId: 'corr-00004',
        outcome: 'success',
        resource: 'vendors/4',
        action: 'update',
      };
      await asAdmin(`INSERT INTO audit_relay (id, event)
        VALUES ('${randomUUID()}', '${JSON.stringify(queued)}'::jsonb)`);
      const logger = createLogger('silent');
      await expect(
        relayAuditEvents({ db: started().identity, audit: trail, logger }),
      ).resolves.toEqual({ relayed: 1, duplicates: 0, pending: 0 });
      await expect(trail.verify()).resolves.toMatchObject({ status: 'intact', count: 4 });
      await expect(trail.flushOutbox()).resolves.toBe(0);
    } finally {
      await pool.end();
    }
  });
});
