import { randomBytes } from 'node:crypto';

import pg from 'pg';

import type { EmbeddedPostgres } from '../../../local/embedded-postgres.js';
import { APP_ROLE } from '../migrations/0001-financial-records.js';
import { MAINTENANCE_ROLE } from '../migrations/0006-maintenance-role.js';

/** Names the environment variable that points store tests at a real server instead of PGlite. */
export const EXTERNAL_PG_URL_VARIABLE = 'EDS_TEST_PG_URL';

// SQLSTATEs of a role another test file created a moment earlier: duplicate_object, and the
// unique index of pg_authid when both CREATE ROLEs ran at once.
const ROLE_RACE_SQLSTATES = new Set(['42710', '23505']);

/**
 * The admin URL of a real PostgreSQL server for store tests, from `EDS_TEST_PG_URL`, or undefined
 * to use the embedded PGlite. The URL's user must be a superuser (or hold CREATEDB and
 * CREATEROLE): each test database is created and dropped through it.
 *
 * @throws Error when the variable is set but does not name a loopback `postgres://` server.
 */
export function externalPostgresUrl(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const value = env[EXTERNAL_PG_URL_VARIABLE];
  if (value === undefined || value === '') return undefined;
  const url = new URL(value);
  const isLoopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (!/^postgres(ql)?:$/.test(url.protocol) || !isLoopback) {
    throw new Error(`${EXTERNAL_PG_URL_VARIABLE} must be a postgres:// URL on a loopback address`);
  }
  return value;
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * `eds_app` and `eds_maintenance` are cluster-wide, and test files migrate their own databases in
 * parallel, so two migrations could race on `CREATE ROLE`. Creating them here first, with the
 * migrations' own attributes, leaves the migrations' `IF NOT EXISTS` branches to run as on any
 * existing server.
 */
async function ensureRoles(client: pg.Client): Promise<void> {
  const roles = [
    `${APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT`,
    `${MAINTENANCE_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`,
  ];
  for (const role of roles) {
    const name = role.split(' ')[0] ?? '';
    try {
      await client.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN
          CREATE ROLE ${role};
        END IF;
      END $$`);
    } catch (error) {
      if (!ROLE_RACE_SQLSTATES.has(String((error as { code?: unknown }).code))) throw error;
    }
  }
}

/**
 * Creates a fresh, uniquely named database on the real server at `adminUrl` and returns it in
 * the embedded store's shape: `url` reaches the new database as the admin user, and `stop()`
 * drops it, ending every connection to it first (clients see SQLSTATE 57P01, as on a shutdown).
 */
export async function createExternalTestDatabase(adminUrl: string): Promise<EmbeddedPostgres> {
  const name = `eds_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, async (client) => {
    await ensureRoles(client);
    await client.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let stopping: Promise<void> | undefined;
  return {
    url: url.toString(),
    stop: () => {
      stopping ??= withAdmin(adminUrl, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
      return stopping;
    },
  };
}
