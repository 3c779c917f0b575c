import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

import { holdsAuditEvents } from '../local/audit-store/copy-legacy-trail.js';
import { DataDirInUseError } from '../local/data-dir-lock.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../local/embedded-postgres.js';
import type { AuditTables } from '../shared/audit/audit-tables.js';
import {
  readChainRewrite,
  rewriteBelowLastSigned,
  withChainRewrite,
} from '../shared/audit/chain-guard.js';
import { verifyAuditTrail } from '../shared/audit/verify-audit-trail.js';
import { loadConfig } from '../shared/config/app-config.js';
import { KEY_RING_FILE, openLocalKeyRing } from '../shared/crypto/local-key-ring.js';
import { assertPrivateDirectory } from '../shared/fs/private-directory.js';
import { pathExists } from '../shared/fs/path-exists.js';
import { resolveInside } from '../shared/fs/safe-path.js';

const USAGE = `Usage: npm run audit:verify [-- --any-interval]
Verifies the local audit trail (hash chain, sequence, signed checkpoints) and prints
"intact (N events)" or the first broken link. Reads EDS_PG_URL when set, otherwise opens
the audit store in <EDS_DATA_DIR>/audit-pg (stop the local host first). Checkpoint public key:
<EDS_DATA_DIR>/keys/${KEY_RING_FILE}.
  --any-interval  do not require a checkpoint every EDS_AUDIT_CHECKPOINT_EVERY events
Exit codes: 0 intact, 1 broken, 2 could not verify.`;

/** Exit codes of the audit verifier CLI. */
export const AUDIT_VERIFY_EXIT = { intact: 0, broken: 1, error: 2 } as const;

/**
 * Verifies the local audit trail and reports on `write`; resolves to the process exit code.
 *
 * Without `EDS_PG_URL` this opens the embedded store's directory itself. The data directory's
 * lock refuses that while a local host holds it (exit code with the holder's process id), so
 * stop the host first: the running host's store takes a fresh password on every start, which
 * only the host knows.
 */
export async function runAuditVerify(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  write: (line: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { 'any-interval': { type: 'boolean', default: false }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help === true) {
    write(USAGE);
    return AUDIT_VERIFY_EXIT.intact;
  }
  const config = loadConfig(env);
  const keyDir = resolveInside(config.dataDir, 'keys');
  const auditDir = resolveInside(config.dataDir, 'audit-pg');
  const recordsDir = resolveInside(config.dataDir, 'pg');
  if (!(await pathExists(resolveInside(keyDir, KEY_RING_FILE)))) {
    write(`cannot verify: no key ring at ${resolveInside(keyDir, KEY_RING_FILE)}`);
    return AUDIT_VERIFY_EXIT.error;
  }
  if (
    config.pgUrl === undefined &&
    !(await pathExists(auditDir)) &&
    !(await pathExists(recordsDir))
  ) {
    write(`cannot verify: no database at ${auditDir} and EDS_PG_URL is not set`);
    return AUDIT_VERIFY_EXIT.error;
  }
  try {
    await assertPrivateDirectory(config.dataDir, 'Data directory');
  } catch (error) {
    write(`cannot verify: ${error instanceof Error ? error.message : 'data directory refused'}`);
    return AUDIT_VERIFY_EXIT.error;
  }
  const { keyId, publicKey } = (await openLocalKeyRing(keyDir, { env })).auditSigningKey();
  let embedded: EmbeddedPostgres | undefined;
  let db: Kysely<AuditTables> | undefined;
  try {
    embedded = config.pgUrl === undefined ? await openTrailStore(auditDir, recordsDir) : undefined;
    const pool = new pg.Pool({ connectionString: config.pgUrl ?? embedded?.url, max: 1 });
    pool.on('error', () => undefined);
    db = new Kysely<AuditTables>({ dialect: new PostgresDialect({ pool }) });
    const every = values['any-interval'] === true ? undefined : config.auditCheckpointEvery;
    const result = await verifyAuditTrail(
      db,
      { keyId, publicKey },
      every === undefined ? {} : { checkpointEvery: every },
    );
    const outboxDir = resolveInside(config.dataDir, 'audit-outbox');
    // The host's own record of a rewrite, or a trail cut below the last head it signed.
    const recorded = await readChainRewrite(outboxDir);
    const rewrite = recorded ?? (await rewriteBelowLastSigned(db, outboxDir, new Date()));
    const verdict = withChainRewrite(result, rewrite);
    if (verdict.status === 'intact') {
      write(`intact (${verdict.count} events)`);
      return AUDIT_VERIFY_EXIT.intact;
    }
    if (verdict.reason === 'head_rewritten' && rewrite !== undefined) {
      const found = rewrite.reason === 'event_missing' ? 'gone' : 'changed';
      write(
        recorded === undefined
          ? `broken at seq ${rewrite.seq}: head_rewritten (the event the host last signed there ` +
              `is ${found})`
          : `broken at seq ${rewrite.seq}: head_rewritten (the host found the event it stored ` +
              `there ${found} on ${rewrite.detectedAt})`,
      );
    } else {
      write(
        `broken at seq ${verdict.firstBrokenSequence}: ${verdict.reason} ` +
          `(${verdict.count} events verified before it)`,
      );
    }
    return AUDIT_VERIFY_EXIT.broken;
  } catch (error) {
    // Only the lock's own message is shown: a store error could carry stored text.
    if (error instanceof DataDirInUseError) write(`cannot verify: ${error.message}`);
    else write(`cannot verify: ${error instanceof Error ? error.name : 'error'}`);
    return AUDIT_VERIFY_EXIT.error;
  } finally {
    await db?.destroy();
    await embedded?.stop();
  }
}

/**
 * Opens the embedded store that holds the local trail: the audit store, or the records store of
 * a data directory whose trail is not in the audit store yet (no host has opened it since the
 * audit store got its own, or the first such start stopped before copying it).
 */
async function openTrailStore(auditDir: string, recordsDir: string): Promise<EmbeddedPostgres> {
  if (await pathExists(auditDir)) {
    const audit = await startEmbeddedPostgres({ dataDir: auditDir });
    try {
      if (!(await pathExists(recordsDir)) || (await holdsEvents(audit.url))) return audit;
    } catch (error) {
      await audit.stop();
      throw error;
    }
    await audit.stop();
  }
  return startEmbeddedPostgres({ dataDir: recordsDir });
}

/** Whether the store at `url` has an `audit_events` table with at least one event in it. */
async function holdsEvents(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await holdsAuditEvents(client);
  } finally {
    await client.end();
  }
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  runAuditVerify(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`))
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      process.stderr.write(`audit-verify: ${error instanceof Error ? error.message : 'failed'}\n`);
      process.exitCode = AUDIT_VERIFY_EXIT.error;
    });
}
