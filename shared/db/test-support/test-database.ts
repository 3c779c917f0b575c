import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../local/embedded-postgres.js';
import { createVerifiedPrincipal, type VerifiedPrincipal } from '../../auth/principal.js';
import type { Division } from '../../auth/divisions.js';
import { clearanceOf, permissionsOf, type Role } from '../../auth/roles.js';
import { createEnvelopeCipher } from '../../crypto/envelope-cipher.js';
import type { FieldCipher } from '../../crypto/field-cipher.js';
import { openLocalKeyRing } from '../../crypto/local-key-ring.js';
import { createLogger, type Logger } from '../../logging/logger.js';
import type { AppDatabase } from '../app-database.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import { createPostgresAppDatabase } from '../postgres-app-database.js';
import { seedFinanceData, type SeedReport } from '../seed/seed-finance-data.js';
import { createExternalTestDatabase, externalPostgresUrl } from './external-postgres.js';

/** The repo's real finance CSVs. */
export const FINANCE_DIR = resolve(import.meta.dirname, '../../../data/finance');

/**
 * A migrated (and optionally seeded) store for one test file: PGlite, or a fresh database on the
 * real server named by `EDS_TEST_PG_URL` (see `external-postgres.ts`).
 */
export interface TestDatabase {
  /** The embedded store, or the external database in its shape (`stop()` drops it). */
  readonly server: EmbeddedPostgres;
  readonly db: AppDatabase;
  readonly cipher: FieldCipher;
  readonly logger: Logger;
  readonly seed: SeedReport | undefined;
  /** Directory holding the key ring and, when persisted, the cluster. */
  readonly workDir: string;
  /** The persisted embedded cluster; always undefined on an external server. */
  readonly dataDir: string | undefined;
  stop(): Promise<void>;
  /** Stops the store and deletes the work directory. */
  dispose(): Promise<void>;
}

export interface TestDatabaseOptions {
  readonly persist?: boolean;
  readonly seed?: boolean;
}

/**
 * Starts PGlite (or creates a database on `EDS_TEST_PG_URL`'s server), migrates it and seeds the
 * real data with a real envelope cipher.
 */
export async function startTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const workDir = await mkdtemp(join(tmpdir(), 'eds-db-test-'));
  const adminUrl = externalPostgresUrl();
  const dataDir =
    options.persist === true && adminUrl === undefined ? join(workDir, 'pgdata') : undefined;
  // This machine sets CONTAINER_NAME, which reads as Azure; tests are local by definition.
  const keyRing = await openLocalKeyRing(join(workDir, 'keys'), { env: {} });
  const cipher = createEnvelopeCipher(keyRing);
  const logger = createLogger('silent');
  const server =
    adminUrl !== undefined
      ? await createExternalTestDatabase(adminUrl)
      : await startEmbeddedPostgres(dataDir === undefined ? {} : { dataDir });
  // PGlite runs one query at a time; a real server gets a real pool.
  const maxConnections = adminUrl === undefined ? 1 : 4;
  const db = createPostgresAppDatabase(server.url, logger, { maxConnections });
  await migrateToLatest(db, logger);
  const seed =
    options.seed === false
      ? undefined
      : await seedFinanceData({ db, cipher, logger, dir: FINANCE_DIR });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= db.close().finally(() => server.stop());
    return stopped;
  };
  return {
    server,
    db,
    cipher,
    logger,
    seed,
    workDir,
    dataDir,
    stop,
    dispose: async () => {
      await stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * A verified principal for tests, with roles' permissions and clearance. Its id is derived from
 * the roles and divisions unless given: pass one to tell apart two callers of the same scope.
 */
export function testPrincipal(
  roles: readonly Role[],
  divisions: readonly Division[],
  id = `test-${roles.join('+')}-${divisions.join('+') || 'none'}`,
): VerifiedPrincipal {
  return createVerifiedPrincipal({
    id,
    tenantId: '6f1d7a4e-0c1b-4e55-9a55-6d2f1e0de5a1',
    kind: 'user',
    roles,
    permissions: permissionsOf(roles),
    divisions,
    clearance: clearanceOf(roles),
  });
}
