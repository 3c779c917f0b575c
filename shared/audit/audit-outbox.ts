/**
 * The local audit outbox: events waiting for the store. Compatibility: `audit-outbox.jsonl`
 * survives restarts and upgrades, one JSON object per line, `{v: 1, id, occurredAt, event}`;
 * a new line shape takes a new `v`, and the drain keeps reading `v: 1`.
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { z } from 'zod';

import type { AuditEvent } from './audit-event.js';
import { AuditEventSchema } from './audit-event-schema.js';
import { replaceOwnerOnly, syncDirectory } from '../fs/owner-only-file.js';
import { resolveInside } from '../fs/safe-path.js';

/** The outbox's file name inside its directory. */
export const AUDIT_OUTBOX_FILE = 'audit-outbox.jsonl';
/** Lines that could not be parsed are moved here, never silently dropped. */
export const AUDIT_OUTBOX_CORRUPT_FILE = 'audit-outbox.corrupt.jsonl';

/** One event waiting for the store, with the id that makes its eventual insert idempotent. */
export interface AuditOutboxEntry {
  readonly id: string;
  /** ISO-8601 UTC with milliseconds: when the event happened, not when it was drained. */
  readonly occurredAt: string;
  readonly event: AuditEvent;
}

const OutboxLineSchema = z
  .object({
    v: z.literal(1),
    id: z.uuid(),
    occurredAt: z.iso.datetime({ precision: 3 }),
    event: AuditEventSchema,
  })
  .strict();

export interface AuditOutboxContents {
  readonly entries: readonly AuditOutboxEntry[];
  /** Lines that did not parse (a torn write, or an edit by hand). */
  readonly corruptLines: readonly string[];
}

/** A durable, owner-only, append-only file of pending audit events, oldest first. */
export interface AuditOutbox {
  readonly path: string;
  /** Appends one entry and fsyncs it; resolves only once the line is on disk. */
  append(entry: AuditOutboxEntry): Promise<void>;
  read(): Promise<AuditOutboxContents>;
  /**
   * Drops the first `count` entries (already in the store) and moves corrupt lines aside.
   * Rewrites atomically; removes the file when nothing is left.
   */
  settle(contents: AuditOutboxContents, count: number): Promise<void>;
}

async function appendLines(path: string, lines: readonly string[]): Promise<void> {
  const flags = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT;
  const handle = await open(path, flags, 0o600);
  try {
    await handle.chmod(0o600);
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      // A crash mid-write leaves a torn last line; start on a fresh line so only it is lost.
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await handle.write(`${prefix}${lines.map((line) => `${line}\n`).join('')}`);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

function toLine(entry: AuditOutboxEntry): string {
  return JSON.stringify({ v: 1, id: entry.id, occurredAt: entry.occurredAt, event: entry.event });
}

function parseLine(line: string): AuditOutboxEntry | undefined {
  try {
    const parsed = OutboxLineSchema.safeParse(JSON.parse(line));
    if (!parsed.success) return undefined;
    const { id, occurredAt, event } = parsed.data;
    return { id, occurredAt, event };
  } catch {
    return undefined;
  }
}

/**
 * Opens the outbox at `${dir}/audit-outbox.jsonl` (created on first append, mode 0600 in a 0700
 * directory).
 *
 * LIMITATION: one process per outbox directory. Two instances sharing a directory could drain
 * the same lines twice (the store's `event_id` makes that harmless) but could also reorder
 * events between them; give each instance its own directory.
 *
 * LIMITATION: lines are not authenticated. Someone who can write the file can add events that
 * the drain will chain; the directory's owner-only mode is the only guard.
 */
export function createAuditOutbox(dir: string): AuditOutbox {
  const path = resolveInside(dir, AUDIT_OUTBOX_FILE);
  return {
    path,

    async append(entry) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await appendLines(path, [toLine(entry)]);
      await syncDirectory(dir);
    },

    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return { entries: [], corruptLines: [] };
        }
        throw error;
      }
      const entries: AuditOutboxEntry[] = [];
      const corruptLines: string[] = [];
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const entry = parseLine(line);
        if (entry === undefined) corruptLines.push(line);
        else entries.push(entry);
      }
      return { entries, corruptLines };
    },

    async settle(contents, count) {
      if (contents.corruptLines.length > 0) {
        await appendLines(resolveInside(dir, AUDIT_OUTBOX_CORRUPT_FILE), contents.corruptLines);
      }
      const remaining = contents.entries.slice(count);
      if (remaining.length > 0) {
        const text = remaining.map((entry) => `${toLine(entry)}\n`).join('');
        await replaceOwnerOnly(dir, path, text);
        return;
      }
      await unlink(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await syncDirectory(dir);
    },
  };
}
