/**
 * Migration 0004: `eds_audit_append(role, rows)`, one statement that appends a batch of linked
 * audit events. Compatibility: applied migrations never change; a later change is a new
 * migration.
 *
 * The audit trail used to spend four round trips on every batch (BEGIN, role and lock, INSERT,
 * COMMIT). This function does the same work in one call, in the caller's own transaction (its
 * autocommit statement when called alone):
 *
 * - drops to `p_role` for the rest of the transaction when one is given, as `SET LOCAL ROLE`
 *   would, so the INSERT is checked against that role's grants (SECURITY INVOKER: it can never do
 *   more than its caller);
 * - takes the cross-instance append lock, the same advisory lock the transactional path takes;
 * - inserts the rows in `seq` order, so the head-link trigger of migration 0002 still checks every
 *   row against the one before it and refuses a batch that does not extend the head (EA002).
 *
 * The chain itself (sequence numbers and hashes) is still computed by the writer; the database
 * only refuses what does not link.
 */
import { sql, type Kysely } from 'kysely';

/** Advisory lock key that serialises appends across processes ('EDSAUDIT' in ASCII). */
export const AUDIT_APPEND_LOCK_KEY = '4991205827101870420';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION eds_audit_append(p_role text, p_rows jsonb) RETURNS bigint
    LANGUAGE plpgsql SECURITY INVOKER AS $$
    DECLARE
      appended bigint;
    BEGIN
      IF p_role IS NOT NULL THEN
        PERFORM set_config('role', p_role, true);
      END IF;
      PERFORM pg_advisory_xact_lock(${sql.lit(AUDIT_APPEND_LOCK_KEY)}::bigint);
      INSERT INTO audit_events (seq, event_id, occurred_at, type, event, prev_hash, hash)
      SELECT r.seq, r.event_id, r.occurred_at, r.type, r.event, r.prev_hash, r.hash
      FROM jsonb_to_recordset(p_rows) AS r(
        seq bigint, event_id uuid, occurred_at timestamptz, type text, event jsonb,
        prev_hash text, hash text
      )
      ORDER BY r.seq;
      GET DIAGNOSTICS appended = ROW_COUNT;
      RETURN appended;
    END $$
  `.execute(db);
}
