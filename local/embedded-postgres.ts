import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

import { PGlite } from '@electric-sql/pglite';

import { pathExists } from '../shared/fs/path-exists.js';
import { resolveInside } from '../shared/fs/safe-path.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { startPgliteWireServer, type PgliteWireServer } from './pglite-wire-server.js';

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Directory that persists the cluster; in memory when undefined. */
  readonly dataDir?: string;
  /** Loopback port to listen on; 0 or undefined picks a free one. */
  readonly port?: number;
  /** Socket connections served at once; they share one backend session. */
  readonly maxConnections?: number;
  /** Postgres `shared_buffers` (for example `16MB`); Postgres's default, 128MB, when unset. */
  readonly sharedBuffers?: string;
}

/** A running embedded Postgres: a `pg` connection URL and a clean shutdown. */
export interface EmbeddedPostgres {
  /**
   * `postgres://postgres:<password>@127.0.0.1:<port>/postgres`, loopback only. The password is
   * new each start and lives only in this process (and those it hands the URL to).
   */
  readonly url: string;
  /** Stops accepting connections, then closes PGlite (checkpointing it). Safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_MAX_CONNECTIONS = 16;

/**
 * Takes group and other permissions off everything under `dir`. PGlite's file layer creates the
 * cluster's files 0666 whatever the umask; the 0700 directory above them already keeps other
 * users out, and after this the files say so too.
 */
async function restrictToOwner(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isSymbolicLink()) continue;
    await chmod(resolveInside(entry.parentPath, entry.name), entry.isDirectory() ? 0o700 : 0o600);
  }
}

/**
 * Starts PGlite (Postgres compiled to WebAssembly) and serves it on 127.0.0.1 over the wire
 * protocol, so the app reaches it through `pg` exactly as it reaches a real server.
 *
 * > [!WARNING]
 * > Every socket connection shares ONE backend session. A plain `SET` leaks to every other
 * > client and named prepared statements collide; scope each unit of work with `BEGIN; SET LOCAL
 * > ROLE ...; SELECT set_config(..., true)` as `createPostgresAppDatabase` does. A client must
 * > prove this start's random password (SCRAM-SHA-256), so another local user cannot connect;
 * > there is no TLS, so it binds to loopback only and is for local use and tests.
 *
 * LIMITATION: PGlite runs one statement at a time; an open transaction holds every other client
 * until it ends, so long transactions stall the whole local app. Commits are not fsync'd (PGlite
 * runs with `fsync=off`): a clean stop checkpoints the data, a power loss may lose recent
 * commits. PGlite creates its files 0666; they are made owner-only at start and stop, and the
 * 0700 directory keeps others out of the files created in between. A persisted `dataDir` is
 * locked (`<dataDir>.lock`) while open, so a second process is refused rather than let in.
 *
 * The caller must call `stop()` before exit (an open PGlite keeps the process alive, and closing
 * it is what checkpoints a persisted `dataDir`); wire it to SIGINT/SIGTERM in the host.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const dataDir = options.dataDir === undefined ? undefined : resolveInside(options.dataDir);
  if (
    options.sharedBuffers !== undefined &&
    !/^[1-9]\d{0,5}(kB|MB|GB)$/.test(options.sharedBuffers)
  ) {
    throw new Error('Embedded Postgres: sharedBuffers must be a size such as 16MB');
  }
  let lock: DataDirLock | undefined;
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    lock = await lockDataDir(dataDir);
  }
  const settings = {
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(options.sharedBuffers === undefined
      ? {}
      : { postgresqlconf: [`shared_buffers = '${options.sharedBuffers}'`] }),
  };
  let db: PGlite;
  try {
    if (dataDir !== undefined && !(await pathExists(resolveInside(dataDir, 'PG_VERSION')))) {
      await createCluster({ ...settings, dataDir });
    }
    db = await PGlite.create(settings);
  } catch (cause) {
    await lock?.release();
    throw cause;
  }
  let server: PgliteWireServer;
  const password = randomBytes(24).toString('base64url');
  try {
    if (dataDir !== undefined) await restrictToOwner(dataDir);
    server = await startPgliteWireServer({
      db,
      host: '127.0.0.1',
      port: options.port ?? 0,
      password,
      maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    });
  } catch (cause) {
    await db.close();
    await lock?.release();
    throw cause;
  }
  const url = `postgres://postgres:${password}@127.0.0.1:${server.port}/postgres`;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await server.stop();
      } finally {
        // Dropped clients holding a transaction were rolled back by the server's stop.
        await db.waitReady;
        try {
          if (!db.closed) await db.close();
          // Files created while it ran (relations, WAL segments) came out 0666 too.
          if (dataDir !== undefined) await restrictToOwner(dataDir);
        } finally {
          await lock?.release();
        }
      }
    })();
    return stopping;
  };
  return { url, stop };
}

/**
 * Creates a new cluster in `settings.dataDir` on a short-lived thread. Creating one (initdb) grows
 * PGlite's memory by a few hundred MB, which an instance keeps as long as it lives; done on a
 * thread that then ends, the memory goes with it, and the store opens the new cluster as it
 * opens an existing one.
 */
async function createCluster(settings: {
  readonly dataDir: string;
  readonly postgresqlconf?: string[];
}): Promise<void> {
  const worker = new Worker(CREATE_CLUSTER_SOURCE, {
    eval: true,
    workerData: { pglite: import.meta.resolve('@electric-sql/pglite'), settings },
  });
  const outcome = await new Promise<unknown>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', () => reject(new Error('Embedded Postgres: creating the cluster stopped')));
  });
  await worker.terminate();
  if (outcome === 'created') return;
  // Only a short code or error name, never the error's text, crosses back.
  const cause = typeof outcome === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(outcome) ? outcome : '';
  throw new Error(
    `Embedded Postgres: could not create the cluster${cause === '' ? '' : ` (${cause})`}`,
  );
}

/** The short-lived thread of {@link createCluster}: PGlite by its resolved URL, never a name. */
const CREATE_CLUSTER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.pglite)
  .then(async ({ PGlite }) => {
    const db = await PGlite.create(workerData.settings);
    await db.close();
    parentPort.postMessage('created');
  })
  .catch((error) => {
    parentPort.postMessage(String((error && (error.code || error.name)) || 'failed'));
  });
`;
