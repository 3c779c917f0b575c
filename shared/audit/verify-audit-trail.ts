import { sql, type Kysely } from 'kysely';

import type { AuditEvent, AuditVerification } from './audit-event.js';
import { computeAuditHash, GENESIS_HASH, linkBreakOf } from './audit-hash.js';
import { isAuditCheckpointAuthentic, type AuditVerifyingKey } from './audit-checkpoint.js';
import type { AuditTables } from './audit-tables.js';

export interface VerifyAuditTrailOptions {
  /** Rows read per query; memory stays bounded by this, whatever the trail's length. */
  readonly batchSize?: number;
  /**
   * When set, every event whose `seq` is a multiple of this must carry a checkpoint, so deleting
   * a checkpoint to hide a rewrite is itself detected.
   *
   * LIMITATION: a trail written under a different interval fails this check at the first
   * missing multiple; verify such a trail without the option.
   */
  readonly checkpointEvery?: number;
}

interface EventRow {
  readonly seq: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly event: string;
  readonly prevHash: string;
  readonly hash: string;
}

interface CheckpointRow {
  readonly seq: string;
  readonly hash: string;
  readonly signedAt: string;
  readonly signature: string;
  readonly keyId: string;
}

type Broken = Extract<AuditVerification, { status: 'broken' }>;
type Reason = Broken['reason'];

const DEFAULT_BATCH_SIZE = 500;
/** Renders a timestamptz exactly as `Date.prototype.toISOString` does, whatever the driver. */
const ISO_UTC = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';

function broken(seq: number, reason: Reason): Broken {
  return { status: 'broken', count: seq - 1, firstBrokenSequence: seq, reason };
}

function readEvents(db: Kysely<AuditTables>, after: number, limit: number): Promise<EventRow[]> {
  return (
    db
      .selectFrom('audit_events')
      .select([
        sql<string>`seq::text`.as('seq'),
        'type',
        sql<string>`to_char(occurred_at AT TIME ZONE 'UTC', ${ISO_UTC})`.as('occurredAt'),
        sql<string>`event::text`.as('event'),
        'prev_hash as prevHash',
        'hash',
      ])
      .where('audit_events.seq', '>', sql<string>`${after}::bigint`)
      // Qualified: a bare `seq` would sort by the text alias, putting 10 before 2.
      .orderBy('audit_events.seq')
      .limit(limit)
      .execute()
  );
}

function readCheckpoints(
  db: Kysely<AuditTables>,
  after: number,
  upTo: number,
): Promise<CheckpointRow[]> {
  return db
    .selectFrom('audit_checkpoints')
    .select([
      sql<string>`seq::text`.as('seq'),
      'hash',
      sql<string>`to_char(signed_at AT TIME ZONE 'UTC', ${ISO_UTC})`.as('signedAt'),
      'signature',
      'key_id as keyId',
    ])
    .where('audit_checkpoints.seq', '>', sql<string>`${after}::bigint`)
    .where('audit_checkpoints.seq', '<=', sql<string>`${upTo}::bigint`)
    .orderBy('audit_checkpoints.seq')
    .execute();
}

/**
 * The hash the row's fields give, or undefined when they cannot give one: unreadable JSON, or a
 * `type` column (what queries select events by) that differs from the hashed event's type.
 */
function hashOf(row: EventRow, seq: number): string | undefined {
  try {
    const event = JSON.parse(row.event) as AuditEvent;
    if (event.type !== row.type) return undefined;
    return computeAuditHash({ seq, occurredAt: row.occurredAt, prevHash: row.prevHash, event });
  } catch {
    return undefined;
  }
}

function checkpointHolds(
  checkpoint: CheckpointRow,
  eventHash: string,
  keys: readonly AuditVerifyingKey[],
): boolean {
  const seq = Number(checkpoint.seq);
  return checkpoint.hash === eventHash && isAuditCheckpointAuthentic({ ...checkpoint, seq }, keys);
}

/**
 * Verifies the whole audit trail from sequence 1: consecutive `seq`, each `prev_hash` equal to
 * the previous event's hash (64 zeros for the first), each hash recomputed from the stored
 * fields (the `type` column must name the hashed event's type), and each checkpoint's hash and
 * Ed25519 signature. Reads in keyset-paged batches. `event_id` is not hashed: it only lets an
 * outbox replay skip an event already stored.
 *
 * Reports the first failure only, by the sequence where the chain stops holding: the missing
 * sequence for a gap, the event itself for a bad hash, link or checkpoint. `count` is the
 * number of events that verified before it.
 *
 * LIMITATION: an attacker with DBA rights who deletes events after the last checkpoint, or
 * deletes checkpoints with the events they vouch for (back to any point), leaves a shorter trail
 * that still verifies. A head held elsewhere catches that: the writer's last signed head
 * (`readLastSigned` in `chain-guard.ts`) or the `audit.checkpoint_signed` log line.
 */
export async function verifyAuditTrail(
  db: Kysely<AuditTables>,
  keys: AuditVerifyingKey | readonly AuditVerifyingKey[],
  options: VerifyAuditTrailOptions = {},
): Promise<AuditVerification> {
  const keyList: readonly AuditVerifyingKey[] = Array.isArray(keys)
    ? keys
    : [keys as AuditVerifyingKey];
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const every = options.checkpointEvery;
  let expected = 1;
  let prevHash = GENESIS_HASH;

  for (;;) {
    const rows = await readEvents(db, expected - 1, batchSize);
    const lastInBatch = rows.at(-1);
    if (lastInBatch === undefined) break;
    const checkpoints = await readCheckpoints(db, expected - 1, Number(lastInBatch.seq));
    const bySeq = new Map(checkpoints.map((checkpoint) => [Number(checkpoint.seq), checkpoint]));
    for (const row of rows) {
      const seq = Number(row.seq);
      const linkBreak = linkBreakOf({ seq: expected - 1, hash: prevHash }, { ...row, seq });
      // A gap is reported at the sequence that is missing, a bad link at the event itself.
      if (linkBreak !== undefined) {
        return broken(linkBreak === 'sequence_gap' ? expected : seq, linkBreak);
      }
      if (hashOf(row, seq) !== row.hash) return broken(seq, 'hash_mismatch');
      const checkpoint = bySeq.get(seq);
      const isRequired = every !== undefined && seq % every === 0;
      if (checkpoint === undefined ? isRequired : !checkpointHolds(checkpoint, row.hash, keyList)) {
        return broken(seq, 'checkpoint_mismatch');
      }
      prevHash = row.hash;
      expected += 1;
    }
  }

  // A checkpoint past the last event read vouches for events that are gone: the tail was cut.
  // One whose event is there now was appended, with its events, after that last read.
  const orphan = await db
    .selectFrom('audit_checkpoints as c')
    .select(sql<string>`c.seq::text`.as('seq'))
    .where('c.seq', '>', sql<string>`${expected - 1}::bigint`)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('audit_events as e').select('e.seq').whereRef('e.seq', '=', 'c.seq'),
        ),
      ),
    )
    .limit(1)
    .execute();
  if (orphan.length > 0) return broken(expected, 'sequence_gap');
  return { status: 'intact', count: expected - 1, lastSequence: expected - 1 };
}
