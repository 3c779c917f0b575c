import type { ColumnType } from 'kysely';

/**
 * `audit_events`: one row per event, hash-chained (see `audit-hash.ts`). Rows are insert-only;
 * the database refuses UPDATE, DELETE and TRUNCATE (migration `0002-audit-trail`).
 */
export interface AuditEventsTable {
  /** Strictly consecutive from 1. `bigint`: read it as text and convert. */
  readonly seq: ColumnType<string, number, never>;
  /** Writer-assigned id that makes a retried or outbox-drained append idempotent; not hashed. */
  readonly event_id: ColumnType<string, string, never>;
  readonly occurred_at: ColumnType<Date, string, never>;
  readonly type: ColumnType<string, string, never>;
  /** `jsonb`; written as JSON text. */
  readonly event: ColumnType<unknown, string, never>;
  readonly prev_hash: ColumnType<string, string, never>;
  readonly hash: ColumnType<string, string, never>;
}

/** `audit_checkpoints`: an Ed25519 signature over the chain head every N events. */
export interface AuditCheckpointsTable {
  readonly seq: ColumnType<string, number, never>;
  readonly hash: ColumnType<string, string, never>;
  readonly signed_at: ColumnType<Date, string, never>;
  readonly signature: ColumnType<string, string, never>;
  readonly key_id: ColumnType<string, string, never>;
}

/** The Kysely database type the audit trail and its verifier need. */
export interface AuditTables {
  readonly audit_events: AuditEventsTable;
  readonly audit_checkpoints: AuditCheckpointsTable;
}
