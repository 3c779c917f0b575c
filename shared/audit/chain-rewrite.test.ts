import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeEach, describe, expect, it } from 'vitest';

import { AUDIT_OUTBOX_FILE } from './audit-outbox.js';
import { CHAIN_REWRITTEN_FILE } from './chain-guard.js';
import { computeAuditHash } from './audit-hash.js';
import type { AuditEvent } from './audit-event.js';
import type { PostgresAuditTrail } from './postgres-audit-trail.js';
import { useAuditDatabase } from './test-support/audit-database.js';
import {
  createTestSigningKey,
  createTestTrail,
  requestEvent,
} from './test-support/audit-fixtures.js';

const FORGED_ACTOR = '00000000-0000-4000-8000-000000000000';

const store = useAuditDatabase();
const key = createTestSigningKey();
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eds-audit-rewrite-'));
  return () => rm(dir, { recursive: true, force: true });
});

function trailWithLog(): { trail: PostgresAuditTrail; lines: string[] } {
  return createTestTrail(store.db, { signingKey: key.signing, outboxDir: join(dir, 'outbox') });
}

async function appendRequests(trail: PostgresAuditTrail, from: number, count: number) {
  for (let n = from; n < from + count; n += 1) await trail.append(requestEvent(n));
}

async function storedCounts(): Promise<{ events: number; checkpoints: number }> {
  const { rows } = await store.owner.query<{ events: string; checkpoints: string }>(
    `SELECT (SELECT count(*) FROM audit_events) AS events,
            (SELECT count(*) FROM audit_checkpoints) AS checkpoints`,
  );
  return { events: Number(rows[0]?.events), checkpoints: Number(rows[0]?.checkpoints) };
}

/**
 * What an attacker with the owner's rights does after the last checkpoint: triggers off for the
 * session, the actor of every event from `from` on replaced, every hash recomputed, so the
 * stored chain still links and still verifies.
 */
async function forgeTailFrom(from: number): Promise<void> {
  const client = await store.owner.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    const { rows } = await client.query<{
      seq: string;
      occurred_at: Date;
      event: AuditEvent;
      prev_hash: string;
    }>('SELECT seq, occurred_at, event, prev_hash FROM audit_events WHERE seq >= $1 ORDER BY seq', [
      from,
    ]);
    let prevHash = rows[0]?.prev_hash ?? '';
    for (const row of rows) {
      const event = { ...row.event, actor: FORGED_ACTOR };
      const link = { seq: Number(row.seq), occurredAt: row.occurred_at.toISOString(), event };
      const hash = computeAuditHash({ ...link, prevHash });
      await client.query(
        'UPDATE audit_events SET event = $2, prev_hash = $3, hash = $4 WHERE seq = $1',
        [row.seq, JSON.stringify(event), prevHash, hash],
      );
      prevHash = hash;
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

/** Puts saved rows back as they were, as a restore from backup would. */
async function restoreRows(rows: readonly Record<string, unknown>[]): Promise<void> {
  const client = await store.owner.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    for (const row of rows) {
      await client.query(
        'UPDATE audit_events SET event = $2, prev_hash = $3, hash = $4 WHERE seq = $1',
        [row['seq'], JSON.stringify(row['event']), row['prev_hash'], row['hash']],
      );
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

async function cutTailFrom(from: number): Promise<void> {
  await store.owner.query(`
    BEGIN;
    SET LOCAL session_replication_role = replica;
    DELETE FROM audit_events WHERE seq >= ${from};
    COMMIT;
  `);
}

function errorEvents(lines: readonly string[]): Record<string, unknown>[] {
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record['level'] === 'error');
}

describe('a chain changed below the last event this process wrote', () => {
  it('is extended by nothing and sealed by no checkpoint once its tail is rewritten', async () => {
    const { trail, lines } = trailWithLog();
    await appendRequests(trail, 1, 60);
    await forgeTailFrom(52);
    // The forgery links; the writer still tells it from the tail it stored itself.
    expect(await trail.verify()).toEqual({
      status: 'broken',
      count: 60,
      firstBrokenSequence: 60,
      reason: 'head_rewritten',
    });

    await appendRequests(trail, 61, 3);

    expect(await storedCounts()).toEqual({ events: 60, checkpoints: 1 });
    const queued = (await readFile(join(dir, 'outbox', AUDIT_OUTBOX_FILE), 'utf8')).trim();
    expect(queued.split('\n')).toHaveLength(3);
    expect(errorEvents(lines)).toContainEqual(
      expect.objectContaining({
        event: 'audit.chain_rewritten',
        resource: 'audit_events/60',
        reason: 'hash_changed',
      }),
    );
    await expect(trail.checkpoint()).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    await expect(trail.flushOutbox()).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    expect(await storedCounts()).toEqual({ events: 60, checkpoints: 1 });
    // Found by the verification, then raised again by every refused write, checkpoint and drain.
    const alarms = errorEvents(lines).filter((r) => r['event'] === 'audit.chain_rewritten');
    expect(alarms).toHaveLength(6);
    expect(await trail.verify()).toEqual({
      status: 'broken',
      count: 60,
      firstBrokenSequence: 60,
      reason: 'head_rewritten',
    });
  });

  it('keeps refusing after a restart, and resumes once the stored tail is restored', async () => {
    const first = trailWithLog();
    await appendRequests(first.trail, 1, 20);
    const saved = await store.owner.query('SELECT * FROM audit_events WHERE seq >= 15');
    await forgeTailFrom(15);
    await first.trail.append(requestEvent(21));

    const restarted = trailWithLog();
    await restarted.trail.append(requestEvent(22));
    expect(await storedCounts()).toEqual({ events: 20, checkpoints: 0 });
    expect(await restarted.trail.verify()).toMatchObject({ reason: 'head_rewritten' });

    await restoreRows(saved.rows);
    await restarted.trail.append(requestEvent(23));
    expect(await storedCounts()).toEqual({ events: 23, checkpoints: 0 });
    expect(await restarted.trail.verify()).toEqual({
      status: 'intact',
      count: 23,
      lastSequence: 23,
    });
    await expect(readFile(join(dir, 'outbox', CHAIN_REWRITTEN_FILE))).rejects.toThrow(/ENOENT/);
    expect(restarted.lines.map((line) => JSON.parse(line).event)).toContain('audit.chain_restored');
  });

  it('refuses to sign over a rewrite made with the head-link trigger switched off', async () => {
    const { trail, lines } = trailWithLog();
    await appendRequests(trail, 1, 10);
    await store.owner.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_extend_head');
    try {
      await forgeTailFrom(8);
      await appendRequests(trail, 11, 3);
    } finally {
      await store.owner.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_extend_head');
    }
    // Unchecked by the store, the appends went in: the first breaks the link the forgery made.
    expect(await storedCounts()).toEqual({ events: 13, checkpoints: 0 });
    expect(await trail.verify()).toMatchObject({ status: 'broken', firstBrokenSequence: 11 });
    await expect(trail.checkpoint()).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    expect(errorEvents(lines)).toContainEqual(
      expect.objectContaining({
        event: 'audit.chain_rewritten',
        resource: 'audit_events/11',
        reason: 'link_broken',
      }),
    );
    expect(await storedCounts()).toEqual({ events: 13, checkpoints: 0 });
  });

  it('finds, after a restart, a trail cut below the last checkpoint it signed', async () => {
    const first = trailWithLog();
    await appendRequests(first.trail, 1, 60);
    expect(await storedCounts()).toEqual({ events: 60, checkpoints: 1 });
    // While the writer is stopped, a DBA deletes the tail and the checkpoint that vouched for
    // it: what is left links and verifies as a shorter trail.
    await store.owner.query(`
      BEGIN;
      SET LOCAL session_replication_role = replica;
      DELETE FROM audit_checkpoints;
      DELETE FROM audit_events WHERE seq >= 31;
      COMMIT;
    `);

    const restarted = trailWithLog();
    expect(await restarted.trail.verify()).toEqual({
      status: 'broken',
      count: 30,
      firstBrokenSequence: 50,
      reason: 'head_rewritten',
    });
    expect(errorEvents(restarted.lines)).toContainEqual(
      expect.objectContaining({
        event: 'audit.chain_rewritten',
        resource: 'audit_events/50',
        reason: 'event_missing',
      }),
    );
    await restarted.trail.append(requestEvent(61));
    expect(await storedCounts()).toEqual({ events: 30, checkpoints: 0 });
  });

  it('is extended by nothing once events below its last one are deleted', async () => {
    const { trail, lines } = trailWithLog();
    await appendRequests(trail, 1, 10);
    await cutTailFrom(9);

    await trail.append(requestEvent(11));

    expect(await storedCounts()).toEqual({ events: 8, checkpoints: 0 });
    expect(errorEvents(lines)).toContainEqual(
      expect.objectContaining({
        event: 'audit.chain_rewritten',
        resource: 'audit_events/10',
        reason: 'event_missing',
      }),
    );
  });

  it('extends nothing, and stays up, when the rewrite record is unreadable', async () => {
    await mkdir(join(dir, 'outbox'), { recursive: true });
    await writeFile(join(dir, 'outbox', CHAIN_REWRITTEN_FILE), '{"seq": "not a record"');
    const { trail } = trailWithLog();
    await trail.append(requestEvent(1));
    expect(await storedCounts()).toEqual({ events: 0, checkpoints: 0 });
    await expect(trail.checkpoint()).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
  });

  it('is told apart from another instance extending the chain, which is no alarm', async () => {
    const first = trailWithLog();
    const second = trailWithLog();
    for (let round = 0; round < 5; round += 1) {
      await appendRequests(first.trail, round * 4, 2);
      await appendRequests(second.trail, round * 4 + 2, 2);
    }
    await first.trail.checkpoint();

    expect(await storedCounts()).toEqual({ events: 20, checkpoints: 1 });
    expect(errorEvents([...first.lines, ...second.lines])).toEqual([]);
    expect((await first.trail.verify()).status).toBe('intact');
  });
});
