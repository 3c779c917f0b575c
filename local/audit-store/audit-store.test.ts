import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { AuditTables } from '../../shared/audit/audit-tables.js';
import {
  createMemoryLogger,
  createTestSigningKey,
  createTestTrail,
  requestEvent,
} from '../../shared/audit/test-support/audit-fixtures.js';
import { migrateToLatest } from '../../shared/db/migrate-to-latest.js';
import { createPostgresAppDatabase } from '../../shared/db/postgres-app-database.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../embedded-postgres.js';
import { startAuditStore, type AuditStoreSettings } from './audit-store.js';
import { testAuditStoreSettings } from './test-support/audit-store-settings.js';
import { copyLegacyTrail } from './copy-legacy-trail.js';

describe('local audit store', () => {
  let dir: string;
  let records: EmbeddedPostgres;
  let recordsDb: Kysely<AuditTables>;
  const key = createTestSigningKey();

  const settingsIn = testAuditStoreSettings(key);
  const settings = (): AuditStoreSettings => settingsIn(dir);
  /** Starts the audit store and opens its trail, as the local host does once records are up. */
  const openStore = async (logger = createMemoryLogger().logger) => {
    const store = await startAuditStore(settings(), logger);
    return { store, trail: await store.open(records.url) };
  };
  const count = async (db: Kysely<AuditTables>, table: 'audit_events' | 'audit_checkpoints') =>
    Number(
      (await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)}`.execute(db))
        .rows[0]?.n,
    );

  /** A trail of `count` events the records store kept, as data dirs from before the audit store. */
  const keepOldTrail = async (count: number): Promise<void> => {
    const { trail: old } = createTestTrail(recordsDb, {
      signingKey: key.signing,
      outboxDir: join(dir, 'audit-outbox'),
      checkpointEvery: 5,
    });
    for (let n = 1; n <= count; n += 1) await old.append(requestEvent(n));
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eds-audit-store-'));
    records = await startEmbeddedPostgres();
    const owner = createPostgresAppDatabase(records.url, createMemoryLogger().logger);
    await migrateToLatest(owner, createMemoryLogger().logger);
    await owner.close();
    recordsDb = new Kysely<AuditTables>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: records.url, max: 1 }),
      }),
    });
  });

  afterEach(async () => {
    await recordsDb.destroy();
    await records.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('takes over a trail the records store kept: same rows and signatures, intact', async () => {
    // A data directory from before the audit store: the trail in the records store, 23 events
    // (past 9, where ordering by text rather than number would go wrong), 4 checkpoints.
    await keepOldTrail(23);
    const { logger, lines } = createMemoryLogger();
    const { store, trail } = await openStore(logger);
    try {
      expect(lines.join('\n')).toContain('"event":"audit.trail_copied","count":23');
      await expect(trail.verify()).resolves.toEqual({
        status: 'intact',
        count: 23,
        lastSequence: 23,
      });
      // The writer's record of the head it signed (seq 20) matches the copy: it extends the chain.
      await trail.append(requestEvent(24));
      await expect(trail.verify()).resolves.toMatchObject({ status: 'intact', count: 24 });
      await expect(trail.holds(requestEvent(3))).resolves.toBe(true);
      await expect(trail.holds(requestEvent(99))).resolves.toBe(false);
    } finally {
      await store.close();
    }
    // The records store keeps its copy, unchanged; the trail grew in the audit store only.
    expect(await count(recordsDb, 'audit_events')).toBe(23);
    expect(await count(recordsDb, 'audit_checkpoints')).toBe(4);
  });

  it('copies a long trail page by page, in sequence order', async () => {
    await keepOldTrail(23);
    const audit = await startEmbeddedPostgres();
    const owner = createPostgresAppDatabase(audit.url, createMemoryLogger().logger);
    try {
      await migrateToLatest(owner, createMemoryLogger().logger);
      const copied = await owner.unsafeWithoutScope((db) =>
        copyLegacyTrail(db, records.url, createMemoryLogger().logger, 4),
      );
      expect(copied).toBe(23);
      const seqs = await owner.unsafeWithoutScope((db) =>
        sql<{ seq: number }>`SELECT seq::int AS seq FROM audit_events ORDER BY 1`.execute(db),
      );
      expect(seqs.rows.map((row) => row.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    } finally {
      await owner.close();
      await audit.stop();
    }
  });

  it('refuses a trail that does not link, naming the code, copying nothing', async () => {
    await keepOldTrail(6);
    await sql`ALTER TABLE audit_events DISABLE TRIGGER USER`.execute(recordsDb);
    await sql`UPDATE audit_events SET prev_hash = ${'0'.repeat(64)} WHERE seq = 4`.execute(
      recordsDb,
    );
    await sql`ALTER TABLE audit_events ENABLE TRIGGER USER`.execute(recordsDb);
    const { logger, lines } = createMemoryLogger();
    const store = await startAuditStore(settings(), logger);
    try {
      await expect(store.open(records.url)).rejects.toMatchObject({ code: 'EA002' });
      expect(lines.join('\n')).toContain('"event":"audit.trail_copy_refused","code":"EA002"');
      const owner = new pg.Client({ connectionString: store.url });
      await owner.connect();
      const held = await owner.query(`SELECT count(*)::text AS n FROM audit_events`);
      await owner.end();
      expect(held.rows).toEqual([{ n: '0' }]);
    } finally {
      await store.close();
    }
  });

  it('copies nothing into an audit store that already holds events', async () => {
    const first = await openStore();
    await first.trail.append(requestEvent(1));
    await first.trail.checkpoint();
    await first.store.close();
    // Events appear in the records store's old tables later (a downgrade and back, say).
    const { trail: old } = createTestTrail(recordsDb, {
      signingKey: key.signing,
      outboxDir: join(dir, 'old-outbox'),
    });
    for (let n = 1; n <= 3; n += 1) await old.append(requestEvent(n));
    const { logger, lines } = createMemoryLogger();
    const second = await openStore(logger);
    try {
      await expect(second.trail.verify()).resolves.toMatchObject({ status: 'intact', count: 1 });
      expect(lines.join('\n')).not.toContain('audit.trail_copied');
    } finally {
      await second.store.close();
    }
  });

  it('keeps its events across a restart, in its own directory', async () => {
    const first = await openStore();
    for (let n = 1; n <= 3; n += 1) await first.trail.append(requestEvent(n));
    await first.trail.checkpoint();
    await first.store.close();
    const second = await openStore();
    try {
      await expect(second.trail.verify()).resolves.toMatchObject({ status: 'intact', count: 3 });
    } finally {
      await second.store.close();
    }
    expect(await count(recordsDb, 'audit_events')).toBe(0);
  });
});
