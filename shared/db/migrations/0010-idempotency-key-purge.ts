/**
 * Migration 0010: expired `Idempotency-Key` records can be purged. A key is honoured for 24 hours
 * (`run-idempotent-write.ts`); until now an expired record went only when its owner reused the
 * key, so the table kept every write's response for good. The `data-purge-idempotency-keys` timer
 * deletes them as `eds_maintenance`, which this gives SELECT and DELETE on the table through
 * policies that show it expired records only: a fresh record (a response a retry may still
 * replay) is out of its reach. An index on `created_at` keeps each purge from reading the table.
 * Compatibility: applied migrations never change; a later change is a new migration.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const expired = sql`created_at < now() - interval '24 hours'`;
  await sql`CREATE POLICY maintenance_read_expired ON idempotency_keys FOR SELECT
    TO eds_maintenance USING (${expired})`.execute(db);
  await sql`CREATE POLICY maintenance_purge_expired ON idempotency_keys FOR DELETE
    TO eds_maintenance USING (${expired})`.execute(db);
  await sql`GRANT SELECT, DELETE ON idempotency_keys TO eds_maintenance`.execute(db);
  await db.schema
    .createIndex('idempotency_keys_created_idx')
    .on('idempotency_keys')
    .column('created_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('idempotency_keys_created_idx').execute();
  await sql`REVOKE SELECT, DELETE ON idempotency_keys FROM eds_maintenance`.execute(db);
  await sql`DROP POLICY maintenance_purge_expired ON idempotency_keys`.execute(db);
  await sql`DROP POLICY maintenance_read_expired ON idempotency_keys`.execute(db);
}
