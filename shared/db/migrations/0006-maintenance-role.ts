/**
 * Migration 0006: `eds_maintenance`, the role of the store's unscoped work (`unsafeWithoutScope`:
 * key rotation, search indexing, the audit relay, verification). Compatibility: applied
 * migrations never change; a later change is a new migration.
 *
 * Every financial table forces row-level security, and until now only `eds_app` had policies: a
 * login that is neither a superuser nor `eds_app` saw no rows at all. Locally and in CI the store
 * is reached as a superuser, which bypasses row-level security, so that went unseen; in Azure the
 * app's managed identity is no superuser, and its unscoped work would have found nothing. Now the
 * identity is made a member of this role (`infra/scripts/sql/pg-grant-app-rights.sql`), which
 * may read every row and change nothing but what maintenance changes: the encrypted columns that
 * key rotation re-wraps, and the audit relay's queue. It holds no BYPASSRLS: its reach is these
 * policies and grants, readable in the schema.
 */
import { sql, type Kysely } from 'kysely';

/** The role unscoped work runs with in Azure (the app identity is a member). */
export const MAINTENANCE_ROLE = 'eds_maintenance';

/** Financial tables as of this migration; a table added later grants its own rights. */
const TABLES = [
  'recipients',
  'awards',
  'expenditures',
  'vendors',
  'contracts',
  'contract_transactions',
  'accounts',
  'account_obligations',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'eds_maintenance') THEN
        CREATE ROLE eds_maintenance NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      END IF;
    END $$
  `.execute(db);
  await sql`GRANT USAGE ON SCHEMA public TO eds_maintenance`.execute(db);
  for (const table of TABLES) {
    const name = sql.table(table);
    await sql`CREATE POLICY maintenance_read ON ${name} FOR SELECT TO eds_maintenance
      USING (true)`.execute(db);
    await sql`GRANT SELECT ON ${name} TO eds_maintenance`.execute(db);
  }
  // Key rotation re-wraps the tax-id envelopes in place, and nothing else.
  await sql`CREATE POLICY maintenance_rewrap ON recipients FOR UPDATE TO eds_maintenance
    USING (true) WITH CHECK (true)`.execute(db);
  await sql`GRANT UPDATE (ein_ciphertext) ON recipients TO eds_maintenance`.execute(db);
  // The relay claims, releases and removes queued events; verification reads the trail.
  await sql`GRANT SELECT, UPDATE (claimed_until), DELETE ON audit_relay
    TO eds_maintenance`.execute(db);
  await sql`GRANT SELECT ON audit_events, audit_checkpoints TO eds_maintenance`.execute(db);
}
