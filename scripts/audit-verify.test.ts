import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmbeddedPostgres } from '../local/embedded-postgres.js';
import type { AuditTables } from '../shared/audit/audit-tables.js';
import { CHAIN_REWRITTEN_FILE } from '../shared/audit/chain-guard.js';
import { createPostgresAuditTrail } from '../shared/audit/postgres-audit-trail.js';
import { applyAuditMigrations } from '../shared/audit/test-support/audit-database.js';
import {
  createMemoryLogger,
  FROZEN_NOW,
  requestEvent,
} from '../shared/audit/test-support/audit-fixtures.js';
import { openLocalKeyRing } from '../shared/crypto/local-key-ring.js';
import { AUDIT_VERIFY_EXIT, runAuditVerify } from './audit-verify.js';

let dataDir: string;

/**
 * Runs `work` against the data dir's audit store (or the records store `pg`, where data dirs from
 * before the audit store kept the trail), then closes it so the CLI can open it.
 */
async function withStore(
  work: (db: Kysely<AuditTables>, owner: pg.Pool) => Promise<void>,
  store: 'audit-pg' | 'pg' = 'audit-pg',
): Promise<void> {
  const server = await startEmbeddedPostgres({ dataDir: join(dataDir, store) });
  const owner = new pg.Pool({ connectionString: server.url, max: 1 });
  const db = new Kysely<AuditTables>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: server.url, max: 1 }) }),
  });
  try {
    await work(db, owner);
  } finally {
    await db.destroy();
    await owner.end();
    await server.stop();
  }
}

/** Writes a trail of `count` events, a checkpoint every 5, into the data dir's `store`. */
async function writeTrail(count: number, store: 'audit-pg' | 'pg' = 'audit-pg'): Promise<void> {
  const keyRing = await openLocalKeyRing(join(dataDir, 'keys'), { env: {} });
  await withStore(async (db) => {
    await applyAuditMigrations(db);
    const trail = createPostgresAuditTrail(db, {
      signingKey: keyRing.auditSigningKey(),
      checkpointEvery: 5,
      logger: createMemoryLogger().logger,
      outboxDir: join(dataDir, 'audit-outbox'),
      now: () => FROZEN_NOW,
    });
    for (let n = 1; n <= count; n += 1) await trail.append(requestEvent(n));
  }, store);
}

async function run(args: string[] = [], dir = dataDir): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const env = { EDS_DATA_DIR: dir, EDS_AUDIT_CHECKPOINT_EVERY: '5' };
  const code = await runAuditVerify(args, env, (line) => out.push(line));
  return { code, out };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'eds-audit-cli-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('audit-verify CLI', () => {
  it('exits 2 when the data dir has no key ring or database', async () => {
    const { code, out } = await run();
    expect(code).toBe(AUDIT_VERIFY_EXIT.error);
    expect(out).toHaveLength(1);
  });

  it('prints intact with the event count and exits 0 for an untouched trail', async () => {
    await writeTrail(12);
    await expect(run()).resolves.toEqual({ code: 0, out: ['intact (12 events)'] });
  });

  it('exits 2 naming the holder while another opener has the store, touching nothing', async () => {
    await withStore(async () => {
      const { code, out } = await run();
      expect(code).toBe(AUDIT_VERIFY_EXIT.error);
      expect(out).toEqual([expect.stringMatching(/open in process \d+; stop that first$/)]);
    });
    await expect(run()).resolves.toEqual({ code: 0, out: ['intact (12 events)'] });
  });

  it('exits 2 on a data dir others may write into, which could hold a planted store', async () => {
    await chmod(dataDir, 0o777);
    try {
      await expect(run()).resolves.toEqual({
        code: AUDIT_VERIFY_EXIT.error,
        out: [
          `cannot verify: Data directory ${dataDir} is writable by group or others; chmod 700 it`,
        ],
      });
    } finally {
      await chmod(dataDir, 0o700);
    }
    await expect(run()).resolves.toEqual({ code: 0, out: ['intact (12 events)'] });
  });

  it('exits 1 on a linked trail when the host recorded its own head rewritten', async () => {
    const outboxDir = join(dataDir, 'audit-outbox');
    const marker = { seq: 12, hash: 'a'.repeat(64), reason: 'hash_changed', detectedAt: 'then' };
    await mkdir(outboxDir, { recursive: true });
    await writeFile(join(outboxDir, CHAIN_REWRITTEN_FILE), JSON.stringify(marker));
    try {
      await expect(run()).resolves.toEqual({
        code: AUDIT_VERIFY_EXIT.broken,
        out: [
          'broken at seq 12: head_rewritten ' +
            '(the host found the event it stored there changed on then)',
        ],
      });
    } finally {
      await rm(join(outboxDir, CHAIN_REWRITTEN_FILE));
    }
  });

  it('exits 1 on a tail cut below the head the host last signed, checkpoints too', async () => {
    await withStore(async (_db, owner) => {
      await owner.query(`
        BEGIN;
        SET LOCAL session_replication_role = replica;
        DELETE FROM audit_checkpoints WHERE seq >= 9;
        DELETE FROM audit_events WHERE seq >= 9;
        COMMIT;
      `);
    });
    // What is left links and carries no checkpoint past its end: only the signed head tells.
    await expect(run()).resolves.toEqual({
      code: AUDIT_VERIFY_EXIT.broken,
      out: ['broken at seq 10: head_rewritten (the event the host last signed there is gone)'],
    });
  });

  it('prints the first broken link and exits 1 after a DBA edits an event', async () => {
    await withStore(async (_db, owner) => {
      await owner.query(`
        BEGIN;
        ALTER TABLE audit_events DISABLE TRIGGER USER;
        UPDATE audit_events SET event = jsonb_set(event, '{status}', '404') WHERE seq = 8;
        ALTER TABLE audit_events ENABLE TRIGGER USER;
        COMMIT;
      `);
    });
    await expect(run()).resolves.toEqual({
      code: AUDIT_VERIFY_EXIT.broken,
      out: ['broken at seq 8: hash_mismatch (7 events verified before it)'],
    });
  });

  it('verifies the trail in `pg` while the audit store has none (old, uncopied dir)', async () => {
    const kept = dataDir;
    dataDir = await mkdtemp(join(tmpdir(), 'eds-audit-cli-old-'));
    try {
      await writeTrail(6, 'pg');
      await expect(run([], dataDir)).resolves.toEqual({ code: 0, out: ['intact (6 events)'] });
      // A first start of the new layout that stopped before copying leaves an empty audit store:
      // the trail is still the records store's, not a rewritten one.
      await withStore((db) => applyAuditMigrations(db));
      await expect(run([], dataDir)).resolves.toEqual({ code: 0, out: ['intact (6 events)'] });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      dataDir = kept;
    }
  });
});
