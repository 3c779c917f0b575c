import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { KyselyPlugin } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';

import { signAuditCheckpoint } from './audit-checkpoint.js';
import type { AuditEvent } from './audit-event.js';
import { computeAuditHash } from './audit-hash.js';
import { useAuditDatabase } from './test-support/audit-database.js';
import {
  createTestSigningKey,
  createTestTrail,
  FROZEN_NOW,
  requestEvent,
} from './test-support/audit-fixtures.js';
import { verifyAuditTrail } from './verify-audit-trail.js';

const EVENTS = 200;
const EVERY = 50;
const key = createTestSigningKey();
const store = useAuditDatabase();

interface Row {
  readonly seq: number;
  readonly occurredAt: string;
  readonly event: AuditEvent;
  readonly prevHash: string;
  readonly hash: string;
}

beforeEach(async () => {
  const outboxDir = await mkdtemp(join(tmpdir(), 'eds-audit-verify-'));
  const { trail } = createTestTrail(store.db, {
    signingKey: key.signing,
    outboxDir,
    checkpointEvery: EVERY,
  });
  for (let n = 1; n <= EVENTS; n += 1) await trail.append(requestEvent(n));
  return () => rm(outboxDir, { recursive: true, force: true });
});

const verify = (options = { checkpointEvery: EVERY }) =>
  verifyAuditTrail(store.db, key.verifying, options);

/**
 * Runs statements as a DBA attacker would: the owner, with the append-only triggers off.
 * `ALL` also lifts foreign keys, which only a superuser may do.
 */
async function asAttacker(statements: string, params: unknown[] = [], scope = 'USER') {
  const client = await store.owner.connect();
  try {
    await client.query('BEGIN');
    await client.query(`ALTER TABLE audit_events DISABLE TRIGGER ${scope}`);
    await client.query(`ALTER TABLE audit_checkpoints DISABLE TRIGGER ${scope}`);
    await client.query(statements, params);
    await client.query(`ALTER TABLE audit_events ENABLE TRIGGER ${scope}`);
    await client.query(`ALTER TABLE audit_checkpoints ENABLE TRIGGER ${scope}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function readRow(seq: number): Promise<Row> {
  const { rows } = await store.owner.query<Row>(
    `SELECT seq::int AS seq, prev_hash AS "prevHash", hash, event,
            to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt"
       FROM audit_events WHERE seq = $1`,
    [seq],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`no row ${seq}`);
  return row;
}

/**
 * Replaces event `seq`, re-hashing it and every later event
 * as an attacker who knows the scheme.
 */
async function rewriteFrom(seq: number, change: (event: AuditEvent) => AuditEvent) {
  let prevHash = (await readRow(seq - 1)).hash;
  for (let n = seq; n <= EVENTS; n += 1) {
    const row = await readRow(n);
    const event = n === seq ? change(row.event) : row.event;
    const hash = computeAuditHash({ seq: n, occurredAt: row.occurredAt, prevHash, event });
    await asAttacker(
      'UPDATE audit_events SET event = $1, prev_hash = $2, hash = $3 WHERE seq = $4',
      [JSON.stringify(event), prevHash, hash, n],
    );
    prevHash = hash;
  }
}

const statusTo500 = (event: AuditEvent): AuditEvent => ({ ...event, status: 500 }) as AuditEvent;

describe('verifyAuditTrail', () => {
  it('reports an untouched trail intact, across many small batches', async () => {
    await expect(verifyAuditTrail(store.db, key.verifying, { batchSize: 7 })).resolves.toEqual({
      status: 'intact',
      count: EVENTS,
      lastSequence: EVENTS,
    });
  });

  it('reports a trail intact while events and a checkpoint are appended as it runs', async () => {
    // After the last read of events comes back, a writer appends 50 more and signs their
    // checkpoint: it lies past what was read, but its event is there, so nothing was cut.
    const outboxDir = await mkdtemp(join(tmpdir(), 'eds-audit-verify-late-'));
    const { trail } = createTestTrail(store.db, {
      signingKey: key.signing,
      outboxDir,
      checkpointEvery: EVERY,
    });
    const eventReads = new Set<unknown>();
    let appended = false;
    const appendAfterLastRead: KyselyPlugin = {
      transformQuery: (args) => {
        const text = JSON.stringify(args.node);
        if (text.includes('"audit_events"') && !text.includes('"audit_checkpoints"')) {
          eventReads.add(args.queryId);
        }
        return args.node;
      },
      transformResult: async (args) => {
        if (!appended && eventReads.has(args.queryId) && args.result.rows.length === 0) {
          appended = true;
          for (let n = EVENTS + 1; n <= EVENTS + EVERY; n += 1) await trail.append(requestEvent(n));
        }
        return args.result;
      },
    };
    try {
      const during = verifyAuditTrail(store.db.withPlugin(appendAfterLastRead), key.verifying, {
        checkpointEvery: EVERY,
      });
      await expect(during).resolves.toEqual({
        status: 'intact',
        count: EVENTS,
        lastSequence: EVENTS,
      });
      expect(appended).toBe(true);
      await expect(verify()).resolves.toMatchObject({ status: 'intact', count: EVENTS + EVERY });
    } finally {
      await rm(outboxDir, { recursive: true, force: true });
    }
  });

  it('reports an empty trail intact with no events', async () => {
    await store.reset();
    await expect(verify()).resolves.toEqual({ status: 'intact', count: 0, lastSequence: 0 });
  });

  it('detects an edited event at its own sequence (hash mismatch)', async () => {
    await asAttacker(
      `UPDATE audit_events SET event = jsonb_set(event, '{status}', '500') WHERE seq = 73`,
    );
    await expect(verify()).resolves.toEqual({
      status: 'broken',
      count: 72,
      firstBrokenSequence: 73,
      reason: 'hash_mismatch',
    });
  });

  it('detects a retyped row, whose type column no longer names its hashed event', async () => {
    // Hides an event from queries by type (a search for data.unmask) without touching the JSON.
    await asAttacker(`UPDATE audit_events SET type = 'security.event' WHERE seq = 41`);
    await expect(verify()).resolves.toEqual({
      status: 'broken',
      count: 40,
      firstBrokenSequence: 41,
      reason: 'hash_mismatch',
    });
  });

  it('detects an edited and re-hashed event at the next link', async () => {
    const row = await readRow(73);
    const event = statusTo500(row.event);
    const hash = computeAuditHash({ ...row, event });
    await asAttacker('UPDATE audit_events SET event = $1, hash = $2 WHERE seq = 73', [
      JSON.stringify(event),
      hash,
    ]);
    await expect(verify()).resolves.toMatchObject({
      firstBrokenSequence: 74,
      reason: 'link_mismatch',
    });
  });

  it('detects a consistently rewritten chain at the next signed checkpoint', async () => {
    await rewriteFrom(120, statusTo500);
    await expect(verify()).resolves.toMatchObject({
      count: 149,
      firstBrokenSequence: 150,
      reason: 'checkpoint_mismatch',
    });
  });

  it('detects a deleted event at the missing sequence', async () => {
    await asAttacker('DELETE FROM audit_events WHERE seq = 37');
    await expect(verify()).resolves.toEqual({
      status: 'broken',
      count: 36,
      firstBrokenSequence: 37,
      reason: 'sequence_gap',
    });
  });

  it('detects a deleted first event', async () => {
    await asAttacker('DELETE FROM audit_events WHERE seq = 1');
    await expect(verify()).resolves.toMatchObject({
      count: 0,
      firstBrokenSequence: 1,
      reason: 'sequence_gap',
    });
  });

  it('detects a cut tail that a checkpoint still vouches for', async () => {
    await asAttacker('DELETE FROM audit_events WHERE seq > 190', [], 'ALL');
    await expect(verify()).resolves.toMatchObject({
      count: 190,
      firstBrokenSequence: 191,
      reason: 'sequence_gap',
    });
  });

  it('detects a forged event appended with a made-up link', async () => {
    await asAttacker(
      `INSERT INTO audit_events (seq, event_id, occurred_at, type, event, prev_hash, hash)
       VALUES (201, gen_random_uuid(), now(), 'http.request', $1, $2, $3)`,
      [JSON.stringify(requestEvent(999)), 'f'.repeat(64), 'e'.repeat(64)],
    );
    await expect(verify()).resolves.toMatchObject({
      count: 200,
      firstBrokenSequence: 201,
      reason: 'link_mismatch',
    });
  });

  it('detects a forged event in place of a real one, even with a correct own hash', async () => {
    const prev = await readRow(119);
    const forged = { ...requestEvent(120), actor: 'someone-else' };
    const occurredAt = FROZEN_NOW.toISOString();
    const hash = computeAuditHash({ seq: 120, occurredAt, prevHash: prev.hash, event: forged });
    await asAttacker(
      `DELETE FROM audit_events WHERE seq = 120;
       INSERT INTO audit_events (seq, event_id, occurred_at, type, event, prev_hash, hash)
       VALUES (120, gen_random_uuid(), '${occurredAt}', 'http.request', '${JSON.stringify(forged)}',
               '${prev.hash}', '${hash}')`,
    );
    await expect(verify()).resolves.toMatchObject({
      count: 120,
      firstBrokenSequence: 121,
      reason: 'link_mismatch',
    });
  });

  it('detects two events swapped in order at the earlier position', async () => {
    await asAttacker(`
      UPDATE audit_events SET seq = 100000 WHERE seq = 10;
      UPDATE audit_events SET seq = 10 WHERE seq = 20;
      UPDATE audit_events SET seq = 20 WHERE seq = 100000;
    `);
    await expect(verify()).resolves.toMatchObject({
      count: 9,
      firstBrokenSequence: 10,
      reason: 'link_mismatch',
    });
  });

  it('detects an altered checkpoint signature', async () => {
    const flipFirst = `CASE WHEN left(signature, 1) = 'A' THEN 'B' ELSE 'A' END`;
    const flipped = `${flipFirst} || substr(signature, 2)`;
    await asAttacker(`UPDATE audit_checkpoints SET signature = ${flipped} WHERE seq = 100`);
    await expect(verify()).resolves.toMatchObject({
      count: 99,
      firstBrokenSequence: 100,
      reason: 'checkpoint_mismatch',
    });
  });

  it('detects a checkpoint moved onto another hash', async () => {
    const other = await readRow(99);
    await asAttacker('UPDATE audit_checkpoints SET hash = $1 WHERE seq = 100', [other.hash]);
    await expect(verify()).resolves.toMatchObject({
      firstBrokenSequence: 100,
      reason: 'checkpoint_mismatch',
    });
  });

  it('detects a checkpoint re-signed by a key the verifier does not trust', async () => {
    const rogue = generateKeyPairSync('ed25519').privateKey;
    const row = await readRow(50);
    const forged = signAuditCheckpoint(
      { keyId: key.signing.keyId, privateKey: rogue },
      50,
      row.hash,
      FROZEN_NOW,
    );
    await asAttacker('UPDATE audit_checkpoints SET signature = $1 WHERE seq = 50', [
      forged.signature,
    ]);
    await expect(verify()).resolves.toMatchObject({
      firstBrokenSequence: 50,
      reason: 'checkpoint_mismatch',
    });
  });

  it('detects a deleted checkpoint when the interval is known', async () => {
    await asAttacker('DELETE FROM audit_checkpoints WHERE seq = 100');
    await expect(verify()).resolves.toMatchObject({
      firstBrokenSequence: 100,
      reason: 'checkpoint_mismatch',
    });
  });

  it('refuses every checkpoint when given the wrong public key', async () => {
    const stranger = createTestSigningKey().verifying;
    await expect(verifyAuditTrail(store.db, stranger)).resolves.toMatchObject({
      count: 49,
      firstBrokenSequence: 50,
      reason: 'checkpoint_mismatch',
    });
  });
});
