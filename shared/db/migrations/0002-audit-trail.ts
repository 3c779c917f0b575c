import { sql, type Kysely } from 'kysely';

/** SQLSTATE raised when anyone, the owner included, updates, deletes or truncates audit rows. */
export const AUDIT_APPEND_ONLY_SQLSTATE = 'EA001';
/** SQLSTATE raised when an inserted event does not extend the chain head. */
export const AUDIT_CHAIN_LINK_SQLSTATE = 'EA002';
/** SQLSTATE raised when a checkpoint names a hash other than its event's. */
export const AUDIT_CHECKPOINT_SQLSTATE = 'EA003';

/**
 * Creates the tamper-evident audit trail: `audit_events` and `audit_checkpoints`, append-only.
 *
 * Three layers keep rows from changing: the application role `eds_app` holds only SELECT and
 * INSERT; triggers raise on UPDATE, DELETE and TRUNCATE for every role, the owner included; and
 * an insert trigger accepts only the event that extends the head (next `seq`, head's hash as
 * `prev_hash`), so even a buggy writer cannot fork or gap the chain.
 *
 * > [!WARNING]
 * > A superuser can still disable the triggers. That is what the hash chain and the signed
 * > checkpoints are for: the verifier detects what the database could not prevent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'eds_app') THEN
        CREATE ROLE eds_app NOLOGIN;
      END IF;
    END $$
  `.execute(db);

  await sql`
    CREATE TABLE audit_events (
      seq bigint PRIMARY KEY CHECK (seq >= 1),
      event_id uuid NOT NULL UNIQUE,
      occurred_at timestamptz NOT NULL,
      type text NOT NULL CHECK (length(type) BETWEEN 1 AND 100),
      event jsonb NOT NULL,
      prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
      hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
    )
  `.execute(db);
  await sql`
    CREATE TABLE audit_checkpoints (
      seq bigint PRIMARY KEY REFERENCES audit_events (seq),
      hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
      signed_at timestamptz NOT NULL,
      signature text NOT NULL,
      key_id text NOT NULL
    )
  `.execute(db);

  await sql`
    CREATE FUNCTION eds_audit_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit table % is append-only', TG_TABLE_NAME USING ERRCODE = 'EA001';
    END $$
  `.execute(db);
  await sql`
    CREATE FUNCTION eds_audit_require_head_link() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      head_seq bigint;
      head_hash text;
    BEGIN
      SELECT seq, hash INTO head_seq, head_hash FROM audit_events ORDER BY seq DESC LIMIT 1;
      IF NOT FOUND THEN
        head_seq := 0;
        head_hash := repeat('0', 64);
      END IF;
      IF NEW.seq <> head_seq + 1 OR NEW.prev_hash <> head_hash THEN
        RAISE EXCEPTION 'audit event does not extend the chain head' USING ERRCODE = 'EA002';
      END IF;
      RETURN NEW;
    END $$
  `.execute(db);
  await sql`
    CREATE FUNCTION eds_audit_require_checkpoint_hash() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT EXISTS (SELECT FROM audit_events WHERE seq = NEW.seq AND hash = NEW.hash) THEN
        RAISE EXCEPTION 'audit checkpoint does not match its event' USING ERRCODE = 'EA003';
      END IF;
      RETURN NEW;
    END $$
  `.execute(db);

  for (const table of ['audit_events', 'audit_checkpoints']) {
    const name = sql.id(table);
    await sql`
      CREATE TRIGGER ${sql.id(`${table}_no_update_delete`)} BEFORE UPDATE OR DELETE ON ${name}
      FOR EACH ROW EXECUTE FUNCTION eds_audit_forbid_change()
    `.execute(db);
    await sql`
      CREATE TRIGGER ${sql.id(`${table}_no_truncate`)} BEFORE TRUNCATE ON ${name}
      FOR EACH STATEMENT EXECUTE FUNCTION eds_audit_forbid_change()
    `.execute(db);
    await sql`REVOKE ALL ON ${name} FROM PUBLIC`.execute(db);
    await sql`REVOKE ALL ON ${name} FROM eds_app`.execute(db);
    await sql`GRANT SELECT, INSERT ON ${name} TO eds_app`.execute(db);
  }
  await sql`
    CREATE TRIGGER audit_events_extend_head BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION eds_audit_require_head_link()
  `.execute(db);
  await sql`
    CREATE TRIGGER audit_checkpoints_match_event BEFORE INSERT ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION eds_audit_require_checkpoint_hash()
  `.execute(db);
}
