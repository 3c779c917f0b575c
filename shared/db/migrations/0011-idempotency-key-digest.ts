/**
 * Migration 0011: `idempotency_keys.key` holds the SHA-256 of the client's `Idempotency-Key`
 * (lower-case hex), no longer the key as sent. A client that puts something secret in the header
 * no longer leaves it in the table. Records written before are rewritten to their digest, so a
 * retry that straddles the upgrade still replays. Compatibility: applied migrations never change;
 * a later change is a new migration.
 *
 * The table forces row-level security on its owner too; the rewrite lifts that for its own
 * statement only, inside the migration's transaction, and puts it back.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE idempotency_keys NO FORCE ROW LEVEL SECURITY`.execute(db);
  await sql`UPDATE idempotency_keys
    SET key = encode(sha256(convert_to(key, 'UTF8')), 'hex')`.execute(db);
  await sql`ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY`.execute(db);
}

/** The keys as sent are gone: going back leaves the digests, which no longer match a retry. */
export async function down(): Promise<void> {
  // Nothing to undo that can be undone.
}
