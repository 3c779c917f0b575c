import { createPublicKey, randomUUID } from 'node:crypto';

import { sql, type Kysely, type Transaction } from 'kysely';

import { AUDIT_CHAIN_LINK_SQLSTATE } from '../db/migrations/0002-audit-trail.js';
import { AUDIT_APPEND_LOCK_KEY } from '../db/migrations/0004-audit-append.js';
import { AppError } from '../errors/app-error.js';
import { errorCodeOf } from '../errors/error-code.js';
import type { Logger } from '../logging/logger.js';
import type { AuditEvent, AuditTrail, AuditVerification } from './audit-event.js';
import { AuditEventSchema, rejectionEvent } from './audit-event-schema.js';
import { computeAuditHash, GENESIS_HASH } from './audit-hash.js';
import {
  signAuditCheckpoint,
  type AuditSigningKeyRef,
  type AuditVerifyingKey,
} from './audit-checkpoint.js';
import { createAuditOutbox, type AuditOutboxEntry } from './audit-outbox.js';
import { createChainGuard, withChainRewrite, type ChainHead } from './chain-guard.js';
import { createGroupCommit } from './group-commit.js';
import { holdsEvent } from './holds-event.js';
import type { AuditTables } from './audit-tables.js';
import { verifyAuditTrail } from './verify-audit-trail.js';

export interface PostgresAuditTrailOptions {
  /** Signs the checkpoints. */
  readonly signingKey: AuditSigningKeyRef;
  /** A checkpoint is signed every `checkpointEvery` events. */
  readonly checkpointEvery: number;
  readonly logger: Logger;
  /** Directory of the local outbox used while the store is down; owner-only. */
  readonly outboxDir: string;
  /** Older public keys `verify` still accepts; the signing key's own is always included. */
  readonly verifyingKeys?: readonly AuditVerifyingKey[];
  /** Role each append drops to with `SET LOCAL ROLE` (for example `eds_app`). */
  readonly role?: string;
  readonly now?: () => Date;
}

/** The Postgres audit trail, plus the operations its timer and host need. */
export interface PostgresAuditTrail extends AuditTrail {
  /** Writes every outbox entry to the store, in order; resolves to how many were written. */
  flushOutbox(): Promise<number>;
}

/** One `audit_events` row before it is written. */
interface LinkedRow {
  readonly seq: number;
  readonly event_id: string;
  readonly occurred_at: string;
  readonly type: string;
  readonly event: AuditEvent;
  readonly prev_hash: string;
  readonly hash: string;
}

/** Most events one transaction carries. */
const MAX_BATCH = 100;

/**
 * Creates the audit trail over the `audit_events` and `audit_checkpoints` tables (migration
 * `0002-audit-trail`).
 *
 * Every event is validated (strict schema, no token-shaped text), then appended in order: one
 * promise chain in this process, and `pg_advisory_xact_lock` plus the table's head-link trigger
 * across processes, so concurrent appends never fork the chain. Writes are never sampled. When
 * the store fails, the event goes to the fsync'd local outbox and is drained, in order and
 * idempotently (by event id), ahead of the next append or on `flushOutbox()`.
 *
 * > [!WARNING]
 * > A refused event is not silently dropped: a `security.event` named `audit.event_rejected`
 * > (event type and field name only, never the value) is appended in its place.
 *
 * > [!WARNING]
 * > A writer that finds the event it last stored changed or gone (someone with DBA rights
 * > rewrote or cut the tail, hashes recomputed) logs `audit.chain_rewritten`, records it beside
 * > the outbox (so a restart keeps it) and from then on neither extends the stored chain nor
 * > signs a checkpoint over it, and `verify` reports `head_rewritten`: events go to the outbox
 * > until the stored event reads as written again (see `chain-guard.ts`). No checkpoint is
 * > signed over a broken link either (a row let in with the head-link trigger switched off).
 *
 * LIMITATION: checkpoints are signed every N events, and through `checkpoint()`, which the
 * `compliance-checkpoint-audit` timer calls every five minutes. Events after the last checkpoint
 * can be truncated or rewritten by someone with DBA rights without the verifier noticing; a
 * running writer notices a change below its own last event (above), but not one made before it
 * first wrote, unless it is below the last checkpoint this writer signed (kept beside the
 * outbox, so a restart compares the store with it). The logged `audit.checkpoint_signed` line
 * (seq and hash, shipped off the host) is the reference for that window.
 *
 * @throws AppError INTERNAL from `append` when the event fails validation; AppError
 * AUDIT_UNAVAILABLE when neither the store nor the outbox could take it.
 */
export function createPostgresAuditTrail(
  db: Kysely<AuditTables>,
  options: PostgresAuditTrailOptions,
): PostgresAuditTrail {
  if (!Number.isInteger(options.checkpointEvery) || options.checkpointEvery < 1) {
    throw new Error('Audit trail: checkpointEvery must be a positive integer');
  }
  const { logger, signingKey, checkpointEvery } = options;
  const now = options.now ?? (() => new Date());
  const outbox = createAuditOutbox(options.outboxDir);
  const ownKey = { keyId: signingKey.keyId, publicKey: createPublicKey(signingKey.privateKey) };
  const verifyingKeys = [ownKey, ...(options.verifyingKeys ?? [])];
  // Unknown until the outbox has been looked at once; a previous run may have left entries.
  let outboxMayHaveEntries = true;
  let tail: Promise<unknown> = Promise.resolve();

  const serialise = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.catch(() => undefined);
    return result;
  };

  // The head this process last wrote. Appends are serialised here, so it is exact unless another
  // instance appended since; then the head-link trigger refuses the insert (EA002) and the batch
  // is retried once with the head read from the store.
  let knownHead: ChainHead | undefined;
  // Refuses to extend or sign a chain changed below the head this writer stored (see chain-guard).
  const guard = createChainGuard({ outboxDir: options.outboxDir, logger, now });

  const begin = async (trx: Transaction<AuditTables>, useKnownHead = false): Promise<ChainHead> => {
    // One round trip: the role (as SET LOCAL ROLE would) and the cross-instance append lock.
    if (options.role === undefined) {
      await sql`SELECT pg_advisory_xact_lock(${AUDIT_APPEND_LOCK_KEY}::bigint)`.execute(trx);
    } else {
      await sql`SELECT set_config('role', ${options.role}, true),
        pg_advisory_xact_lock(${AUDIT_APPEND_LOCK_KEY}::bigint)`.execute(trx);
    }
    await guard.assertIntact(trx);
    if (useKnownHead && knownHead !== undefined) return knownHead;
    const head = await trx
      .selectFrom('audit_events')
      .select([sql<string>`seq::text`.as('seq'), 'hash'])
      // Qualified: a bare `seq` would sort by the text alias, so '99' would outrank '100'.
      .orderBy('audit_events.seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return head === undefined
      ? { seq: 0, hash: GENESIS_HASH }
      : { seq: Number(head.seq), hash: head.hash };
  };

  const insertCheckpoint = async (
    trx: Transaction<AuditTables>,
    head: ChainHead,
  ): Promise<void> => {
    await guard.assertLinkedUpTo(trx, head);
    const checkpoint = signAuditCheckpoint(signingKey, head.seq, head.hash, now());
    await trx
      .insertInto('audit_checkpoints')
      .values({
        seq: checkpoint.seq,
        hash: checkpoint.hash,
        signed_at: checkpoint.signedAt,
        signature: checkpoint.signature,
        key_id: checkpoint.keyId,
      })
      .execute();
    const resource = `audit_events/${head.seq}#${head.hash}`;
    logger.info('audit.checkpoint_signed', {
      resource,
      count: head.seq,
      version: signingKey.keyId,
    });
  };

  /**
   * Inserts linked rows through `eds_audit_append` (migration 0004): it drops to `role` when one
   * is given, takes the append lock and inserts in seq order, so the head-link trigger checks
   * every row against the one before it. Alone it is one autocommit statement; inside `trx`,
   * whose `begin` already dropped to the role, it joins that transaction.
   */
  const appendRows = (
    executor: Kysely<AuditTables>,
    rows: readonly LinkedRow[],
    role: string | null,
  ) =>
    sql`SELECT eds_audit_append(${role}::text, ${JSON.stringify(rows)}::jsonb)`.execute(executor);

  /** Links entries onto `head`: their rows, the new head, and the heads due a checkpoint. */
  const linkEntries = (entries: readonly AuditOutboxEntry[], from: ChainHead) => {
    let head = from;
    const rows: LinkedRow[] = [];
    const checkpoints: ChainHead[] = [];
    for (const entry of entries) {
      const seq = head.seq + 1;
      const link = { seq, occurredAt: entry.occurredAt, prevHash: head.hash, event: entry.event };
      const hash = computeAuditHash(link);
      rows.push({
        seq,
        event_id: entry.id,
        occurred_at: entry.occurredAt,
        type: entry.event.type,
        event: entry.event,
        prev_hash: head.hash,
        hash,
      });
      head = { seq, hash };
      if (seq % checkpointEvery === 0) checkpoints.push(head);
    }
    return { rows, head, checkpoints };
  };

  /**
   * Inserts entries in order, as one batch (one statement or one transaction), and returns how
   * many were new; an entry the store already holds (a retry after a lost reply) is skipped.
   *
   * Fresh entries on a known head with no checkpoint due take one round trip: `appendRows` as
   * one autocommit statement. Everything else (the first append, a retry after
   * another instance moved the head, outbox replays, batches that reach a checkpoint) runs the
   * explicit transaction below.
   */
  const insertEntriesOnce = async (
    entries: readonly AuditOutboxEntry[],
    mayBeStored: boolean,
    useKnownHead: boolean,
  ): Promise<{ written: number; head: ChainHead; signed?: ChainHead | undefined }> => {
    if (useKnownHead && !mayBeStored && knownHead !== undefined) {
      const linked = linkEntries(entries, knownHead);
      if (linked.checkpoints.length === 0) {
        // No head check here: with the head-link trigger on, a rewrite below this writer's head
        // fails this insert (EA002) and the retry's `begin` checks; with it off, the insert
        // breaks the forged link visibly and the next checkpoint refuses to sign over it
        // (`insertCheckpoint` asks the guard's `assertLinkedUpTo` first).
        await appendRows(db, linked.rows, options.role ?? null);
        return { written: linked.rows.length, head: linked.head };
      }
    }
    return db.transaction().execute(async (trx) => {
      const head = await begin(trx, useKnownHead);
      // Only entries that may already be stored (outbox replays) need the look-up; a fresh
      // entry's id was minted in this process a moment ago.
      const seen = mayBeStored
        ? await trx
            .selectFrom('audit_events')
            .select('event_id')
            .where(
              'event_id',
              'in',
              entries.map((entry) => entry.id),
            )
            .execute()
        : [];
      const seenIds = new Set(seen.map((row) => row.event_id));
      const linked = linkEntries(
        entries.filter((candidate) => !seenIds.has(candidate.id)),
        head,
      );
      if (linked.rows.length > 0) await appendRows(trx, linked.rows, null);
      for (const checkpoint of linked.checkpoints) await insertCheckpoint(trx, checkpoint);
      return { written: linked.rows.length, head: linked.head, signed: linked.checkpoints.at(-1) };
    });
  };

  /** Keeps a committed checkpoint's head for the next start; a failure only costs that check. */
  const keepSigned = async (head: ChainHead | undefined): Promise<void> => {
    if (head === undefined) return;
    await guard.signed(head).catch((error: unknown) => {
      logger.warn('audit.signed_head_unsaved', { code: errorCodeOf(error) });
    });
  };

  /** Inserts entries in order and returns how many were new; see {@link insertEntriesOnce}. */
  const insertEntries = async (
    entries: readonly AuditOutboxEntry[],
    mayBeStored: boolean,
  ): Promise<number> => {
    const attempt = async (useKnownHead: boolean): Promise<number> => {
      try {
        const { written, head, signed } = await insertEntriesOnce(
          entries,
          mayBeStored,
          useKnownHead,
        );
        knownHead = head;
        guard.wrote(head);
        await keepSigned(signed);
        return written;
      } catch (error) {
        knownHead = undefined;
        throw error;
      }
    };
    try {
      return await attempt(true);
    } catch (error) {
      if (errorCodeOf(error) !== AUDIT_CHAIN_LINK_SQLSTATE) throw error;
      return attempt(false);
    }
  };

  const drain = async (): Promise<number> => {
    await guard.ready();
    await guard.recheck(db);
    const contents = await outbox.read();
    let settled = 0;
    let written = 0;
    try {
      for (let start = 0; start < contents.entries.length; start += MAX_BATCH) {
        const batch = contents.entries.slice(start, start + MAX_BATCH);
        written += await insertEntries(batch, true);
        settled += batch.length;
      }
    } finally {
      if (settled > 0 || contents.corruptLines.length > 0) await outbox.settle(contents, settled);
      if (contents.corruptLines.length > 0) {
        const count = contents.corruptLines.length;
        logger.error('audit.outbox_corrupt', { count, reason: 'moved_aside' });
      }
      if (written > 0) logger.info('audit.outbox_drained', { count: written });
    }
    outboxMayHaveEntries = false;
    return written;
  };

  const spill = async (
    entries: readonly AuditOutboxEntry[],
    storeError?: unknown,
  ): Promise<void> => {
    try {
      for (const entry of entries) await outbox.append(entry);
      outboxMayHaveEntries = true;
    } catch (outboxError) {
      logger.error('audit.unavailable', { code: errorCodeOf(outboxError), store: 'outbox' });
      throw new AppError('AUDIT_UNAVAILABLE', 'Audit store and outbox both refused the event', {
        cause: outboxError,
      });
    }
    if (storeError === undefined) return;
    logger.error('audit.store_unavailable', { code: errorCodeOf(storeError), store: 'postgres' });
  };

  const writeBatch = async (entries: readonly AuditOutboxEntry[]): Promise<void> => {
    try {
      // The first batch always drains (the outbox may hold a previous run's entries), and the
      // drain loads the guard's record first; a standing rewrite keeps every batch draining.
      if (outboxMayHaveEntries || guard.rewrite() !== undefined) await drain();
      await insertEntries(entries, false);
    } catch (storeError) {
      // A standing rewrite was logged as audit.chain_rewritten; the store itself is up.
      await spill(entries, guard.rewrite() === undefined ? storeError : undefined);
    }
  };

  const write = createGroupCommit<AuditOutboxEntry>({
    maxBatch: MAX_BATCH,
    serialise,
    writeBatch,
  });

  const toEntry = (event: AuditEvent): AuditOutboxEntry => ({
    id: randomUUID(),
    occurredAt: now().toISOString(),
    event,
  });

  return {
    async append(event) {
      const parsed = AuditEventSchema.safeParse(event);
      if (parsed.success) return write(toEntry(parsed.data));
      const substitute = rejectionEvent(event, parsed.error.issues[0]?.path[0]);
      logger.warn('audit.event_rejected', { reason: String(substitute.detail?.['field']) });
      await write(toEntry(substitute));
      throw new AppError('INTERNAL', 'Audit event failed validation and was not written');
    },

    async verify(): Promise<AuditVerification> {
      await guard.ready();
      // The head this writer stored, or signed before a restart, must still read as written: a
      // trail cut below it (checkpoints deleted too) would otherwise verify as a shorter one.
      if (guard.rewrite() === undefined) await guard.assertIntact(db).catch(() => undefined);
      const result = await verifyAuditTrail(db, verifyingKeys, { checkpointEvery });
      return withChainRewrite(result, guard.rewrite());
    },

    holds: (event) => holdsEvent(db, event),

    flushOutbox: () => serialise(drain),

    checkpoint: () =>
      serialise(async () => {
        const signed = await db.transaction().execute(async (trx) => {
          await guard.ready();
          await guard.recheck(trx);
          const head = await begin(trx);
          if (head.seq === 0) return undefined;
          const existing = await trx
            .selectFrom('audit_checkpoints')
            .select('seq')
            .where('seq', '=', sql<string>`${head.seq}::bigint`)
            .executeTakeFirst();
          if (existing === undefined) await insertCheckpoint(trx, head);
          return head;
        });
        await keepSigned(signed);
      }),
  };
}
