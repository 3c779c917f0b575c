import { mkdir, readFile, unlink } from 'node:fs/promises';

import { sql, type Kysely } from 'kysely';
import { z } from 'zod';

import { AppError } from '../errors/app-error.js';
import { resolveInside } from '../fs/safe-path.js';
import { replaceOwnerOnly, syncDirectory } from '../fs/owner-only-file.js';
import type { Logger } from '../logging/logger.js';
import type { AuditVerification } from './audit-event.js';
import { linkBreakOf } from './audit-hash.js';
import type { AuditTables } from './audit-tables.js';

/** The last link a writer stored: its sequence number and hash. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** File, in the outbox directory, recording that the chain changed below this writer's head. */
export const CHAIN_REWRITTEN_FILE = 'chain-rewritten.json';

const MarkerSchema = z.object({
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  reason: z.enum(['hash_changed', 'event_missing']),
  detectedAt: z.string(),
});

/** A recorded rewrite: the head this writer had stored, and what it found there instead. */
export type ChainRewrite = z.infer<typeof MarkerSchema>;

/**
 * File, in the outbox directory, holding the head of the last checkpoint this writer signed. A
 * restart compares the store with it, so a trail cut below it while the writer was stopped
 * (checkpoints deleted with the events) is found, not taken as a shorter, intact trail.
 */
export const LAST_SIGNED_FILE = 'last-signed.json';

const HeadSchema = z.object({
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

async function readJsonIn(outboxDir: string, file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(resolveInside(outboxDir, file), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Reads the head of the last checkpoint a writer signed with `outboxDir`, if any. */
export async function readLastSigned(outboxDir: string): Promise<ChainHead | undefined> {
  const recorded = await readJsonIn(outboxDir, LAST_SIGNED_FILE);
  return recorded === undefined ? undefined : HeadSchema.parse(recorded);
}

/**
 * The rewrite a stored trail shows against the last head signed with `outboxDir`: that event
 * gone (the trail cut below it) or changed. For a verifier that is not the writer (the CLI).
 */
export async function rewriteBelowLastSigned(
  db: Kysely<AuditTables>,
  outboxDir: string,
  now: Date,
): Promise<ChainRewrite | undefined> {
  const head = await readLastSigned(outboxDir);
  if (head === undefined) return undefined;
  const stored = await storedHashAt(db, head.seq);
  return stored === head.hash ? undefined : rewriteAt(head, stored, now);
}

/** What a head that no longer reads as written records: its event gone, or changed. */
function rewriteAt(head: ChainHead, storedHash: string | undefined, now: Date): ChainRewrite {
  const reason = storedHash === undefined ? 'event_missing' : 'hash_changed';
  return { seq: head.seq, hash: head.hash, reason, detectedAt: now.toISOString() };
}

async function storedHashAt(db: Kysely<AuditTables>, seq: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('audit_events')
    .select('hash')
    .where('seq', '=', sql<string>`${seq}::bigint`)
    .executeTakeFirst();
  return row?.hash;
}

/** Writes `value` as the whole of `file` in `dir`, owner-only and durable, replacing it. */
async function placeJson(dir: string, file: string, value: unknown): Promise<void> {
  const path = resolveInside(dir, file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await replaceOwnerOnly(dir, path, JSON.stringify(value));
}

/** Reads the rewrite an earlier run recorded in `outboxDir`, if any. */
export async function readChainRewrite(outboxDir: string): Promise<ChainRewrite | undefined> {
  const recorded = await readJsonIn(outboxDir, CHAIN_REWRITTEN_FILE);
  return recorded === undefined ? undefined : MarkerSchema.parse(recorded);
}

/**
 * A verification as a writer that recorded `rewrite` must report it: a stored chain that links
 * but no longer passes through the head this writer stored was rewritten after it (hashes
 * recomputed), so it is broken there, at that head.
 */
export function withChainRewrite(
  result: AuditVerification,
  rewrite: ChainRewrite | undefined,
): AuditVerification {
  if (rewrite === undefined || result.status === 'broken') return result;
  const { count } = result;
  return { status: 'broken', count, firstBrokenSequence: rewrite.seq, reason: 'head_rewritten' };
}

/**
 * Guards one writer against a chain changed below it. Other writers only ever add links after
 * the head this one stored, so when that head no longer reads as stored, someone with the
 * owner's rights rewrote or cut the chain (hashes recomputed, so it still verifies). Then the
 * writer logs `audit.chain_rewritten` and records it in the outbox directory, so the state
 * survives a restart; it extends nothing and signs nothing until the stored head reads as it
 * wrote it again (the trail restored), which `recheck` notices.
 */
export function createChainGuard(options: { outboxDir: string; logger: Logger; now: () => Date }) {
  const { outboxDir, logger } = options;
  const markerPath = resolveInside(outboxDir, CHAIN_REWRITTEN_FILE);
  let ownHead: ChainHead | undefined;
  let rewrite: ChainRewrite | undefined;
  // Settled here, so an unreadable record fails each `ready()` instead of the process.
  let loadFailure: Error | undefined;
  // A head signed before a restart is what the first check compares the store with.
  const loaded = Promise.all([readChainRewrite(outboxDir), readLastSigned(outboxDir)]).then(
    ([recorded, signed]) => {
      rewrite = recorded;
      ownHead = recorded === undefined ? signed : { seq: recorded.seq, hash: recorded.hash };
    },
    (error: unknown) => {
      loadFailure = new AppError('AUDIT_UNAVAILABLE', 'Audit rewrite record unreadable', {
        cause: error,
      });
    },
  );

  /** The error every refused write or checkpoint gets; logged each time, for the alert. */
  const refusal = (): AppError => {
    logger.error('audit.chain_rewritten', {
      resource: `audit_events/${rewrite?.seq}`,
      reason: rewrite?.reason ?? 'hash_changed',
    });
    return new AppError('AUDIT_UNAVAILABLE', 'Audit chain changed below the last event written');
  };

  const record = async (head: ChainHead, storedHash: string | undefined): Promise<AppError> => {
    rewrite = rewriteAt(head, storedHash, options.now());
    await placeJson(outboxDir, CHAIN_REWRITTEN_FILE, rewrite);
    return refusal();
  };

  return {
    /**
     * Resolves once a rewrite recorded by an earlier run is loaded; rejects, at every call, when
     * that record cannot be read: nothing is extended over a chain whose state is unknown.
     */
    async ready(): Promise<void> {
      await loaded;
      if (loadFailure !== undefined) throw loadFailure;
    },
    /** The rewrite found, while it stands. */
    rewrite: (): ChainRewrite | undefined => rewrite,
    /** Notes the head this writer just stored: the one later checks compare the store with. */
    wrote(head: ChainHead): void {
      if (rewrite === undefined) ownHead = head;
    },
    /** Keeps the head of a checkpoint this writer signed (and committed) for the next start. */
    async signed(head: ChainHead): Promise<void> {
      await placeJson(outboxDir, LAST_SIGNED_FILE, { seq: head.seq, hash: head.hash });
    },
    /** Throws (and records the rewrite) unless the store holds this writer's head as stored. */
    async assertIntact(db: Kysely<AuditTables>): Promise<void> {
      if (rewrite !== undefined) throw refusal();
      if (ownHead === undefined) return;
      const head = ownHead;
      const stored = await storedHashAt(db, head.seq);
      if (stored !== head.hash) throw await record(head, stored);
    },
    /**
     * While a rewrite stands: clears it once the store holds this writer's head as written again
     * (logged as `audit.chain_restored`, the record removed); otherwise throws the refusal.
     */
    async recheck(db: Kysely<AuditTables>): Promise<void> {
      if (rewrite === undefined) return;
      if ((await storedHashAt(db, rewrite.seq)) !== rewrite.hash) throw refusal();
      logger.warn('audit.chain_restored', { resource: `audit_events/${rewrite.seq}` });
      rewrite = undefined;
      await unlink(markerPath);
      await syncDirectory(outboxDir);
    },
    /**
     * Throws unless every link from the last signed checkpoint up to `head` holds: run before
     * signing, so a row let in with the head-link trigger switched off (its `prev_hash` not the
     * hash before it) is never sealed by a signature.
     */
    async assertLinkedUpTo(db: Kysely<AuditTables>, head: ChainHead): Promise<void> {
      const signed = await db
        .selectFrom('audit_checkpoints')
        .select(sql<string | null>`max(seq)::text`.as('seq'))
        .executeTakeFirst();
      const from = Math.max(Number(signed?.seq ?? 0), 1);
      const rows = await db
        .selectFrom('audit_events')
        .select([sql<string>`seq::text`.as('seq'), 'prev_hash', 'hash'])
        .where('seq', '>=', sql<string>`${from}::bigint`)
        .where('seq', '<=', sql<string>`${head.seq}::bigint`)
        .orderBy('audit_events.seq')
        .execute();
      // The first row is the checkpointed event (or sequence 1); each later one must follow it.
      const broken = rows.find((row, index) => {
        const seq = Number(row.seq);
        const before = rows[index - 1];
        if (before === undefined) return seq !== from;
        const link = { seq, prevHash: row.prev_hash };
        return linkBreakOf({ seq: Number(before.seq), hash: before.hash }, link) !== undefined;
      });
      if (broken === undefined && rows.at(-1)?.hash === head.hash) return;
      logger.error('audit.chain_rewritten', {
        resource: `audit_events/${broken?.seq ?? head.seq}`,
        reason: 'link_broken',
      });
      throw new AppError('AUDIT_UNAVAILABLE', 'Audit chain does not link up to the head to sign');
    },
  };
}
