import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createMemoryLogger,
  requestEvent,
} from '../../shared/audit/test-support/audit-fixtures.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../embedded-postgres.js';
import type { AuditStoreSettings } from './audit-store.js';
import { testAuditStoreSettings } from './test-support/audit-store-settings.js';

// The thread loads compiled code, so the module under test is the compiled one (npm test builds
// it first); its types are the source's.
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
type ThreadModule = typeof import('./audit-store-thread.js');
type HostModule = typeof import('../host/start-local-host.js');

async function compiled<M>(path: string): Promise<M> {
  const file = join(DIST, path);
  expect(existsSync(file), 'run `npm run build` first (npm test does)').toBe(true);
  // eslint-disable-next-line no-restricted-syntax -- a fixed file in dist/, which npm test builds
  return (await import(pathToFileURL(file).href)) as M;
}

describe('audit store on its own thread', () => {
  let dir: string;
  let records: EmbeddedPostgres;
  let start: ThreadModule['startAuditStoreThread'];
  const settingsIn = testAuditStoreSettings();
  const settings = (): AuditStoreSettings => settingsIn(dir);
  /** Starts the store on its thread and opens its trail, as the local host does. */
  const openStore = async (
    overrides: Partial<AuditStoreSettings> = {},
    logger = createMemoryLogger().logger,
  ) => {
    const store = await start({ ...settings(), ...overrides }, logger);
    return { store, trail: await store.open(records.url) };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eds-audit-thread-'));
    records = await startEmbeddedPostgres();
    start = (await compiled<ThreadModule>('local/audit-store/audit-store-thread.js'))
      .startAuditStoreThread;
  });

  afterAll(async () => {
    await records.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('appends, verifies, signs and answers holds on the thread; logs reach the host', async () => {
    const { logger, lines } = createMemoryLogger();
    const { store, trail } = await openStore({}, logger);
    try {
      for (let n = 1; n <= 6; n += 1) await trail.append(requestEvent(n));
      await expect(trail.verify()).resolves.toEqual({
        status: 'intact',
        count: 6,
        lastSequence: 6,
      });
      await expect(trail.holds(requestEvent(2))).resolves.toBe(true);
      await expect(trail.holds(requestEvent(7))).resolves.toBe(false);
      await trail.checkpoint();
      // The checkpoint at 5 was signed on the thread; its log line reached the host's logger.
      expect(lines.join('\n')).toContain('"event":"audit.checkpoint_signed"');
    } finally {
      await store.close();
    }
  });

  it('refuses an invalid event with its error code, having recorded the rejection', async () => {
    const { store, trail } = await openStore();
    try {
      const invalid = { ...requestEvent(1), status: 42 };
      await expect(trail.append(invalid)).rejects.toMatchObject({ code: 'INTERNAL' });
      await expect(trail.verify()).resolves.toMatchObject({ status: 'intact', count: 7 });
    } finally {
      await store.close();
    }
  });

  it('reports an edited event as the first broken link', async () => {
    const { store, trail } = await openStore();
    const owner = new pg.Client({ connectionString: store.url });
    try {
      await owner.connect();
      await owner.query(`BEGIN;
        ALTER TABLE audit_events DISABLE TRIGGER USER;
        UPDATE audit_events SET event = jsonb_set(event, '{status}', '299') WHERE seq = 3;
        ALTER TABLE audit_events ENABLE TRIGGER USER;
        COMMIT;`);
      await expect(trail.verify()).resolves.toMatchObject({
        status: 'broken',
        firstBrokenSequence: 3,
      });
    } finally {
      await owner.end();
      await store.close();
    }
  });

  it('fails closed once stopped: every call is refused as AUDIT_UNAVAILABLE', async () => {
    const { store, trail } = await openStore({
      dataDir: undefined,
      outboxDir: join(dir, 'other-outbox'),
    });
    await store.close();
    await expect(trail.append(requestEvent(1))).rejects.toMatchObject({
      code: 'AUDIT_UNAVAILABLE',
    });
    await expect(trail.verify()).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
  });

  it('refuses an event it cannot send to the thread, and goes on with the next', async () => {
    const { store, trail } = await openStore({
      dataDir: undefined,
      outboxDir: join(dir, 'clone-outbox'),
    });
    try {
      const unsendable = { ...requestEvent(1), route: (() => 'v1') as unknown as string };
      await expect(trail.append(unsendable)).rejects.toThrow();
      await trail.append(requestEvent(2));
      await expect(trail.verify()).resolves.toMatchObject({ status: 'intact', count: 1 });
    } finally {
      await store.close();
    }
  });

  it('does not start on a store another process holds, naming the holder', async () => {
    const holder = await startEmbeddedPostgres({ dataDir: join(dir, 'held') });
    try {
      await expect(
        start({ ...settings(), dataDir: join(dir, 'held') }, createMemoryLogger().logger),
      ).rejects.toThrow(/open in process \d+/);
    } finally {
      await holder.stop();
    }
  });
});

describe('compiled local host', () => {
  const startHost = async (dataDir: string) => {
    const { startLocalHost } = await compiled<HostModule>('local/host/start-local-host.js');
    return startLocalHost({
      port: 0,
      inMemoryStore: true,
      skipSeed: true,
      scheduleTimers: false,
      env: { EDS_DATA_DIR: dataDir, EDS_LOG_LEVEL: 'silent' },
    });
  };

  it('audits every request on the audit store’s thread', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'eds-thread-host-'));
    const host = await startHost(dataDir);
    const owner = new pg.Client({ connectionString: host.services.auditStoreUrl });
    try {
      const base = `http://127.0.0.1:${host.port}/api`;
      const token = await host.services.issuer.mint({ roles: ['EDS.Reader'], divisions: ['DC'] });
      const listed = await fetch(`${base}/v1/awards`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(listed.status).toBe(200);
      expect((await fetch(`${base}/v1/awards`)).status).toBe(401);
      await owner.connect();
      const { rows } = await owner.query<{ type: string; status: string | null }>(
        `SELECT type, event ->> 'status' AS status FROM audit_events
         WHERE event ->> 'function' = 'data-list-awards' ORDER BY seq`,
      );
      expect(rows).toEqual([
        { type: 'http.request', status: '200' },
        { type: 'http.request', status: '401' },
        { type: 'auth.denied', status: null },
      ]);
    } finally {
      await owner.end();
      await host.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('answers 503 AUDIT_UNAVAILABLE, never the data, once the audit thread has died', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'eds-thread-dead-'));
    const started: Worker[] = [];
    const onWorker = (worker: Worker) => started.push(worker);
    process.on('worker', onWorker);
    const host = await startHost(dataDir).finally(() => process.off('worker', onWorker));
    try {
      // An in-memory host starts one thread: the audit store's.
      expect(started).toHaveLength(1);
      const base = `http://127.0.0.1:${host.port}/api`;
      const token = await host.services.issuer.mint({ roles: ['EDS.Reader'], divisions: ['DC'] });
      const headers = { authorization: `Bearer ${token}` };
      expect((await fetch(`${base}/v1/awards`, { headers })).status).toBe(200);

      await started[0]?.terminate();

      const refused = await fetch(`${base}/v1/awards`, { headers });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      const problem = (await refused.json()) as Record<string, unknown>;
      expect(problem).toMatchObject({ status: 503, code: 'AUDIT_UNAVAILABLE' });
      expect(problem).not.toHaveProperty('items');
      // Unaudited, nothing is answered: the public liveness probe fails too.
      expect((await fetch(`${base}/health`)).status).toBe(503);
      await expect(host.services.auditTrail.verify()).rejects.toMatchObject({
        code: 'AUDIT_UNAVAILABLE',
      });
    } finally {
      await host.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
