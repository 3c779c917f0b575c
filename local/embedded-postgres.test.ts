import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

import { startEmbeddedPostgres } from './embedded-postgres.js';

/** Every file and directory under `dir` whose mode grants group or others any access. */
async function pathsOpenToOthers(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (((await stat(path)).mode & 0o077) !== 0) found.push(path);
  }
  return found;
}

describe('startEmbeddedPostgres', () => {
  const dirs: string[] = [];

  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('serves pg clients on loopback and keeps data across a stop and restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'eds-pg-'));
    dirs.push(dataDir);
    const first = await startEmbeddedPostgres({ dataDir });
    expect(new URL(first.url).hostname).toBe('127.0.0.1');
    const pool = new pg.Pool({ connectionString: first.url, max: 3 });
    await pool.query('CREATE TABLE kept (n int)');
    await pool.query('INSERT INTO kept VALUES ($1)', [7]);
    await pool.end();
    await first.stop();
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir });
    const client = new pg.Client({ connectionString: second.url });
    await client.connect();
    const { rows } = await client.query<{ n: number }>('SELECT n FROM kept');
    await client.end();
    await second.stop();
    expect(rows).toEqual([{ n: 7 }]);
  });

  it('refuses a second opener of a persisted store while the first has it open', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'eds-pg-'));
    dirs.push(dataDir);
    const first = await startEmbeddedPostgres({ dataDir });
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/open in process/);
    await first.stop();
    const second = await startEmbeddedPostgres({ dataDir });
    await second.stop();
  });

  it('keeps the cluster files owner-only at start and after a stop', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'eds-pg-'));
    dirs.push(dataDir);
    const server = await startEmbeddedPostgres({ dataDir });
    expect(await pathsOpenToOthers(dataDir)).toEqual([]);
    const pool = new pg.Pool({ connectionString: server.url, max: 1 });
    await pool.query('CREATE TABLE created_while_running AS SELECT generate_series(1, 1000) AS n');
    await pool.end();
    await server.stop();
    expect(await pathsOpenToOthers(dataDir)).toEqual([]);
  });

  it('serialises concurrent transactions from several connections, never mixed', async () => {
    const server = await startEmbeddedPostgres({});
    const pool = new pg.Pool({ connectionString: server.url, max: 4 });
    try {
      const seen = await Promise.all(
        ['AL', 'DC', 'MD', 'VA'].map(async (division) => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query("SELECT set_config('eds.divisions', $1, true)", [division]);
            await client.query('SELECT pg_sleep(0.02)');
            const { rows } = await client.query<{ value: string }>(
              "SELECT current_setting('eds.divisions', true) AS value",
            );
            await client.query('COMMIT');
            return rows[0]?.value;
          } finally {
            client.release();
          }
        }),
      );
      expect(seen).toEqual(['AL', 'DC', 'MD', 'VA']);
      const after = await pool.query<{ value: string | null }>(
        "SELECT current_setting('eds.divisions', true) AS value",
      );
      expect(after.rows[0]?.value ?? '').toBe('');
    } finally {
      await pool.end();
      await server.stop();
    }
  });

  it('runs with the shared_buffers it is given, on a new cluster and after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'eds-pg-sb-'));
    dirs.push(dataDir);
    for (let start = 0; start < 2; start += 1) {
      const server = await startEmbeddedPostgres({ dataDir, sharedBuffers: '16MB' });
      const client = new pg.Client({ connectionString: server.url });
      try {
        await client.connect();
        const { rows } = await client.query<{ shared_buffers: string }>('SHOW shared_buffers');
        expect(rows).toEqual([{ shared_buffers: '16MB' }]);
      } finally {
        await client.end();
        await server.stop();
      }
    }
  });

  it.each(['16', '16 MB', "16MB'; fsync = 'off", '0MB'])(
    'refuses a shared_buffers setting that is not a plain size (%s), opening nothing',
    async (sharedBuffers) => {
      await expect(startEmbeddedPostgres({ sharedBuffers })).rejects.toThrow(
        'sharedBuffers must be a size such as 16MB',
      );
    },
  );
});
