import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeEach, describe, expect, it } from 'vitest';

import {
  AUDIT_APPEND_ONLY_SQLSTATE,
  AUDIT_CHAIN_LINK_SQLSTATE,
  AUDIT_CHECKPOINT_SQLSTATE,
} from '../db/migrations/0002-audit-trail.js';
import { startFaultProxy } from '../../test/support/fault-proxy.js';
import { AppError } from '../errors/app-error.js';
import type { AuditEvent } from './audit-event.js';
import { AUDIT_OUTBOX_FILE } from './audit-outbox.js';
import type { PostgresAuditTrail } from './postgres-audit-trail.js';
import { useAuditDatabase } from './test-support/audit-database.js';
import {
  createTestSigningKey,
  createTestTrail,
  FROZEN_NOW,
  requestEvent,
} from './test-support/audit-fixtures.js';

const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.' +
  'c2lnbmF0dXJlLWJ5dGVzLWdvLWhlcmUtYW5kLW1vcmU';

const store = useAuditDatabase();
let dir: string;
const key = createTestSigningKey();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eds-audit-'));
  return () => rm(dir, { recursive: true, force: true });
});

function trailOn(
  db = store.db,
  overrides: { outboxDir?: string; role?: string } = {},
): PostgresAuditTrail {
  const { outboxDir = join(dir, 'outbox'), ...rest } = overrides;
  return createTestTrail(db, { signingKey: key.signing, outboxDir, ...rest }).trail;
}

async function correlationIdsInOrder(): Promise<string[]> {
  const { rows } = await store.owner.query<{ id: string }>(
    "SELECT event->>'correlationId' AS id FROM audit_events ORDER BY seq",
  );
  return rows.map((row) => row.id);
}

async function sqlStateOf(statement: string, asRole?: string): Promise<string | undefined> {
  const client = await store.owner.connect();
  try {
    await client.query('BEGIN');
    if (asRole !== undefined) await client.query(`SET LOCAL ROLE ${asRole}`);
    await client.query(statement);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('createPostgresAuditTrail', () => {
  it('appends 200 events as the application role and verifies them intact', async () => {
    const trail = trailOn(store.db, { role: 'eds_app' });
    for (let n = 1; n <= 200; n += 1) await trail.append(requestEvent(n));
    await expect(trail.verify()).resolves.toEqual({
      status: 'intact',
      count: 200,
      lastSequence: 200,
    });
    const { rows } = await store.owner.query<{ seq: string }>(
      'SELECT seq::text FROM audit_checkpoints ORDER BY audit_checkpoints.seq',
    );
    expect(rows.map((row) => row.seq)).toEqual(['50', '100', '150', '200']);
  });

  it('uses the application role on the one-statement path: no INSERT grant, no row', async () => {
    const { trail, lines } = createTestTrail(store.db, {
      signingKey: key.signing,
      outboxDir: join(dir, 'outbox'),
      role: 'eds_app',
    });
    // The first append reads the head in a transaction; the second takes the one-statement path.
    await trail.append(requestEvent(1));
    await store.owner.query('REVOKE INSERT ON audit_events FROM eds_app');
    try {
      await trail.append(requestEvent(2));
    } finally {
      await store.owner.query('GRANT INSERT ON audit_events TO eds_app');
    }
    expect(await correlationIdsInOrder()).toEqual([requestEvent(1).correlationId]);
    expect(lines.some((line) => line.includes('"code":"42501"'))).toBe(true);
    const queued = await readFile(join(dir, 'outbox', AUDIT_OUTBOX_FILE), 'utf8');
    expect(queued).toContain(requestEvent(2).correlationId);
  });

  it('stores the first event with the genesis link and consecutive sequence numbers', async () => {
    const trail = trailOn();
    await trail.append(requestEvent(1));
    await trail.append(requestEvent(2));
    const { rows } = await store.owner.query<{ seq: string; prev_hash: string; hash: string }>(
      'SELECT seq::text, prev_hash, hash FROM audit_events ORDER BY audit_events.seq',
    );
    expect(rows.map((row) => row.seq)).toEqual(['1', '2']);
    expect(rows[0]?.prev_hash).toBe('0'.repeat(64));
    expect(rows[1]?.prev_hash).toBe(rows[0]?.hash);
  });

  it('keeps the chain intact when 50 appends race in one process', async () => {
    const trail = trailOn();
    await Promise.all(Array.from({ length: 50 }, (_, i) => trail.append(requestEvent(i + 1))));
    await expect(trail.verify()).resolves.toMatchObject({ status: 'intact', count: 50 });
    expect(await correlationIdsInOrder()).toEqual(
      Array.from({ length: 50 }, (_, i) => requestEvent(i + 1).correlationId),
    );
  });

  it('keeps the chain intact when two instances on separate pools append at once', async () => {
    const first = trailOn(store.db, { outboxDir: join(dir, 'a') });
    const second = trailOn(store.connect(store.server.url), { outboxDir: join(dir, 'b') });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 === 0 ? first : second).append(requestEvent(i + 1)),
      ),
    );
    await expect(first.verify()).resolves.toMatchObject({ status: 'intact', count: 50 });
  });

  it('rejects an event carrying a JWT, records the refusal, stores none of the token', async () => {
    const trail = trailOn();
    const event = { ...requestEvent(1), resource: `awards/${JWT}` };
    const error = await trail.append(event).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INTERNAL');
    expect(String((error as AppError).message)).not.toContain(JWT);
    const { rows } = await store.owner.query<{ event: AuditEvent }>(
      'SELECT event FROM audit_events ORDER BY seq',
    );
    expect(rows.map((row) => row.event)).toEqual([
      expect.objectContaining({
        type: 'security.event',
        name: 'audit.event_rejected',
        correlationId: 'corr-00001',
        detail: { eventType: 'http.request', field: 'resource' },
      }),
    ]);
    const { rows: hits } = await store.owner.query(
      'SELECT 1 FROM audit_events WHERE event::text LIKE $1',
      ['%eyJhbGci%'],
    );
    expect(hits).toHaveLength(0);
  });

  it.each([
    ['a bearer header value', { reason: `Bearer ${JWT.slice(0, 20)}` }],
    ['an unsigned JWT', { reason: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }],
    ['an unknown field', { token: 'abc' }],
  ])('rejects a denial event carrying %s', async (_case, extra) => {
    const trail = trailOn();
    const event = {
      type: 'auth.denied',
      actor: 'anonymous',
      correlationId: 'corr-9',
      outcome: 'denied',
      function: 'data-get-award',
      permission: 'records:read',
      reason: 'token_invalid',
      ...extra,
    } as AuditEvent;
    await expect(trail.append(event)).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('accepts dotted event names that are not tokens', async () => {
    const trail = trailOn();
    const event: AuditEvent = {
      type: 'security.event',
      actor: 'system',
      correlationId: 'corr-1',
      outcome: 'success',
      name: 'crypto.kek.rotated',
      detail: { 'key.version': 'kek-0002', rewrapped: 12, complete: true },
    };
    await expect(trail.append(event)).resolves.toBeUndefined();
  });
});

describe('append-only storage', () => {
  beforeEach(async () => {
    const trail = trailOn();
    for (let n = 1; n <= 50; n += 1) await trail.append(requestEvent(n));
  });

  it.each([
    ['UPDATE audit_events SET type = $$x$$ WHERE seq = 1'],
    ['DELETE FROM audit_events WHERE seq = 1'],
    ['TRUNCATE audit_events CASCADE'],
    ['UPDATE audit_checkpoints SET signature = $$x$$'],
    ['DELETE FROM audit_checkpoints'],
  ])('denies the application role: %s (permission denied)', async (statement) => {
    expect(await sqlStateOf(statement, 'eds_app')).toBe('42501');
  });

  it.each([
    ['UPDATE audit_events SET type = $$x$$ WHERE seq = 1'],
    ['DELETE FROM audit_events WHERE seq = 1'],
    ['TRUNCATE audit_events CASCADE'],
    ['UPDATE audit_checkpoints SET signature = $$x$$'],
    ['DELETE FROM audit_checkpoints'],
    ['TRUNCATE audit_checkpoints'],
  ])('blocks even the owner by trigger: %s', async (statement) => {
    expect(await sqlStateOf(statement)).toBe(AUDIT_APPEND_ONLY_SQLSTATE);
  });

  it('refuses an insert that does not extend the head, even from the owner', async () => {
    const insert = (seq: number, prev: string): string =>
      `INSERT INTO audit_events (seq, event_id, occurred_at, type, event, prev_hash, hash)
       VALUES (${seq}, gen_random_uuid(), now(), 'x', '{}', '${prev}', '${'a'.repeat(64)}')`;
    expect(await sqlStateOf(insert(52, '0'.repeat(64)))).toBe(AUDIT_CHAIN_LINK_SQLSTATE);
    expect(await sqlStateOf(insert(51, 'b'.repeat(64)))).toBe(AUDIT_CHAIN_LINK_SQLSTATE);
  });

  it.each([
    ['uppercase', 'A'.repeat(64)],
    ['63 digits', 'a'.repeat(63)],
    ['65 digits', 'a'.repeat(65)],
    ['a non-hex letter', `${'a'.repeat(63)}g`],
    ['a trailing newline', `${'a'.repeat(64)}\n`],
    ['a multibyte character', `${'a'.repeat(63)}é`],
  ])('refuses a digest with %s, even from the owner (check violation)', async (_, digest) => {
    const { rows } = await store.owner.query<{ hash: string }>(
      'SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    const head = rows[0]?.hash ?? '';
    const insert = (prev: string, hash: string): string =>
      `INSERT INTO audit_events (seq, event_id, occurred_at, type, event, prev_hash, hash)
       VALUES (51, gen_random_uuid(), now(), 'x', '{}', '${prev}', '${hash}')`;
    expect(await sqlStateOf(insert(head, 'b'.repeat(64)))).toBeUndefined();
    expect(await sqlStateOf(insert(head, digest))).toBe('23514');
    // A malformed prev_hash never links to the head; without the head-link trigger the check
    // still refuses it.
    const unlinked = `ALTER TABLE audit_events DISABLE TRIGGER audit_events_extend_head;
      ${insert(digest, 'b'.repeat(64))}`;
    expect(await sqlStateOf(unlinked)).toBe('23514');
  });

  it('refuses a checkpoint whose hash is not its event hash', async () => {
    const statement = `INSERT INTO audit_checkpoints (seq, hash, signed_at, signature, key_id)
      VALUES (10, '${'c'.repeat(64)}', now(), 'sig', 'k')`;
    expect(await sqlStateOf(statement)).toBe(AUDIT_CHECKPOINT_SQLSTATE);
  });
});

describe('outbox while the store is down', () => {
  it('writes to an owner-only outbox and drains it in order on the next append', async () => {
    const proxy = await startFaultProxy(store.server.url);
    try {
      const outboxDir = join(dir, 'outbox');
      const { trail, lines } = createTestTrail(store.connect(proxy.url), {
        signingKey: key.signing,
        outboxDir,
        checkpointEvery: 3,
      });
      await trail.append(requestEvent(1));
      proxy.setMode('down');
      for (let n = 2; n <= 6; n += 1) await trail.append(requestEvent(n));

      const outboxPath = join(outboxDir, AUDIT_OUTBOX_FILE);
      expect((await stat(outboxPath)).mode & 0o777).toBe(0o600);
      const queued = (await readFile(outboxPath, 'utf8')).trim().split('\n');
      expect(
        queued.map((line) => (JSON.parse(line) as { event: AuditEvent }).event.correlationId),
      ).toEqual(['corr-00002', 'corr-00003', 'corr-00004', 'corr-00005', 'corr-00006']);
      expect(lines.some((line) => line.includes('"audit.store_unavailable"'))).toBe(true);

      proxy.setMode('up');
      await trail.append(requestEvent(7));
      await expect(stat(outboxPath)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await correlationIdsInOrder()).toEqual(
        Array.from({ length: 7 }, (_, i) => requestEvent(i + 1).correlationId),
      );
      await expect(trail.verify()).resolves.toEqual({
        status: 'intact',
        count: 7,
        lastSequence: 7,
      });
    } finally {
      await proxy.close();
    }
  });

  it("drains a previous run's outbox on flushOutbox exactly once", async () => {
    const proxy = await startFaultProxy(store.server.url);
    try {
      const outboxDir = join(dir, 'outbox');
      const downTrail = trailOn(store.connect(proxy.url), { outboxDir });
      proxy.setMode('down');
      await downTrail.append(requestEvent(1));
      await downTrail.append(requestEvent(2));
      await expect(downTrail.flushOutbox()).rejects.toBeDefined();

      // A restart: a new trail finds the outbox left behind and drains it exactly once.
      const restarted = trailOn(store.db, { outboxDir });
      await expect(restarted.flushOutbox()).resolves.toBe(2);
      await expect(restarted.flushOutbox()).resolves.toBe(0);
      expect(await correlationIdsInOrder()).toEqual(['corr-00001', 'corr-00002']);
    } finally {
      await proxy.close();
    }
  });

  it('skips outbox entries already stored, so a lost commit reply is not doubled', async () => {
    const outboxDir = join(dir, 'outbox');
    const trail = trailOn(store.db, { outboxDir });
    await trail.append(requestEvent(1));
    const { rows } = await store.owner.query<{ event_id: string }>(
      'SELECT event_id FROM audit_events',
    );
    const line = JSON.stringify({
      v: 1,
      id: rows[0]?.event_id,
      occurredAt: FROZEN_NOW.toISOString(),
      event: requestEvent(1),
    });
    await mkdir(outboxDir, { recursive: true, mode: 0o700 });
    await writeFile(join(outboxDir, AUDIT_OUTBOX_FILE), `${line}\n{"torn":`, { mode: 0o600 });
    await expect(trailOn(store.db, { outboxDir }).flushOutbox()).resolves.toBe(0);
    expect(await correlationIdsInOrder()).toEqual(['corr-00001']);
    const aside = await readFile(join(outboxDir, 'audit-outbox.corrupt.jsonl'), 'utf8');
    expect(aside).toBe('{"torn":\n');
  });

  it('rejects with AUDIT_UNAVAILABLE only when the store and the outbox both fail', async () => {
    const proxy = await startFaultProxy(store.server.url);
    try {
      const blocker = join(dir, 'not-a-directory');
      await writeFile(blocker, '');
      const trail = trailOn(store.connect(proxy.url), { outboxDir: join(blocker, 'outbox') });
      proxy.setMode('down');
      await expect(trail.append(requestEvent(1))).rejects.toMatchObject({
        code: 'AUDIT_UNAVAILABLE',
        status: 503,
      });
    } finally {
      await proxy.close();
    }
  });
});
