/**
 * Migration 0008: an idempotency key replays its first response as it was sent. Compatibility:
 * applied migrations never change; a later change is a new migration.
 *
 * Migration 0003 kept the response body and headers as `jsonb`, which stores a parsed form: it
 * reorders keys and drops the text's own layout, so a replayed body no longer had the first
 * body's bytes. `json` keeps the text exactly as given (and still refuses text that is not JSON).
 * Rows stored before this migration keep what `jsonb` made of them: their replays carry the same
 * fields and values, in `jsonb`'s key order. They expire within 24 hours.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE idempotency_keys
    ALTER COLUMN response_body TYPE json USING response_body::json,
    ALTER COLUMN response_headers TYPE json USING response_headers::json`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE idempotency_keys
    ALTER COLUMN response_body TYPE jsonb USING response_body::jsonb,
    ALTER COLUMN response_headers TYPE jsonb USING response_headers::jsonb`.execute(db);
}
