import { sql, type Kysely, type RawBuilder } from 'kysely';

import type { AppDatabase } from '../db/app-database.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logging/logger.js';
import { rewrapEnvelope } from './envelope-cipher.js';
import type { EncryptedField } from './field-cipher.js';
import type { KeyEncryptionKeyProvider } from './key-encryption-key.js';

/** A column holding v1 envelopes (`envelope.ts`), keyed by an integer `id`. */
export interface EncryptedColumn {
  readonly table: keyof Database;
  readonly column: string;
}

/** Every column of the relational store that holds envelopes; rotation sweeps each of them. */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'recipients', column: 'ein_ciphertext' },
];

/** Rows re-wrapped in one transaction unless the caller says otherwise. */
export const DEFAULT_REWRAP_BATCH_SIZE = 100;

/** Where a sweep stands after a committed batch. */
export interface RewrapProgress {
  readonly resource: string;
  readonly batch: number;
  /** Rows re-wrapped so far in this column, this run. */
  readonly count: number;
  readonly keyVersion: string;
}

export interface RewrapStaleFieldKeysOptions {
  readonly db: AppDatabase;
  readonly kek: KeyEncryptionKeyProvider;
  readonly logger: Logger;
  readonly batchSize?: number;
  /** Columns to sweep; every known envelope column by default. */
  readonly columns?: readonly EncryptedColumn[];
  /** Runs after each committed batch (tests stop a run here to simulate a crash). */
  readonly afterBatch?: (progress: RewrapProgress) => Promise<void> | void;
}

/** What one run did. */
export interface RewrapReport {
  /** The KEK version rows were brought to (the current version when the run started). */
  readonly keyVersion: string;
  readonly rewrapped: number;
  /** Rows a concurrent write changed between the read and the compare-and-set; left as written. */
  readonly skipped: number;
  /** Rows still under an older version when the run ended (written meanwhile by a stale key). */
  readonly remaining: number;
}

interface StaleRow {
  readonly id: number;
  readonly field: string;
}

function isStale(column: EncryptedColumn, keyVersion: string): RawBuilder<boolean> {
  // The version lives inside the envelope's JSON, so progress is read from the rows themselves:
  // a run that stopped anywhere is resumed by simply running again.
  return sql<boolean>`(${sql.ref(column.column)}::jsonb ->> 'kv') IS DISTINCT FROM ${keyVersion}`;
}

function readStaleBatch(
  db: Kysely<Database>,
  column: EncryptedColumn,
  keyVersion: string,
  afterId: number,
  limit: number,
): Promise<StaleRow[]> {
  return sql<StaleRow>`
    SELECT id, ${sql.ref(column.column)} AS field FROM ${sql.table(column.table)}
    WHERE id > ${afterId} AND ${isStale(column, keyVersion)}
    ORDER BY id LIMIT ${limit}`
    .execute(db)
    .then((result) => result.rows);
}

async function countStale(
  db: AppDatabase,
  column: EncryptedColumn,
  keyVersion: string,
): Promise<number> {
  const result = await db.unsafeWithoutScope((kysely) =>
    sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(column.table)}
      WHERE ${isStale(column, keyVersion)}`.execute(kysely),
  );
  return result.rows[0]?.n ?? 0;
}

/**
 * Writes each re-wrapped envelope only where the row still holds the envelope that was read, in
 * one transaction; returns how many rows took the new envelope.
 */
async function compareAndSet(
  db: AppDatabase,
  column: EncryptedColumn,
  updates: readonly { id: number; from: string; to: string }[],
): Promise<number> {
  return db.unsafeWithoutScope((kysely) =>
    kysely.transaction().execute(async (trx) => {
      let written = 0;
      for (const { id, from, to } of updates) {
        const result = await sql`UPDATE ${sql.table(column.table)}
          SET ${sql.ref(column.column)} = ${to}
          WHERE id = ${id} AND ${sql.ref(column.column)} = ${from}`.execute(trx);
        written += Number(result.numAffectedRows ?? 0n);
      }
      return written;
    }),
  );
}

async function rewrapColumn(
  options: RewrapStaleFieldKeysOptions,
  column: EncryptedColumn,
  keyVersion: string,
): Promise<{ rewrapped: number; skipped: number }> {
  const { db, kek, logger } = options;
  const limit = options.batchSize ?? DEFAULT_REWRAP_BATCH_SIZE;
  const resource = `${column.table}.${column.column}`;
  let afterId = 0;
  let batch = 0;
  let rewrapped = 0;
  let skipped = 0;
  for (;;) {
    const rows = await db.unsafeWithoutScope((kysely) =>
      readStaleBatch(kysely, column, keyVersion, afterId, limit),
    );
    if (rows.length === 0) break;
    const updates = [];
    for (const row of rows) {
      const to = await rewrapEnvelope(row.field as EncryptedField, kek);
      if (to !== row.field) updates.push({ id: row.id, from: row.field, to });
    }
    const written = await compareAndSet(db, column, updates);
    batch += 1;
    rewrapped += written;
    skipped += updates.length - written;
    afterId = rows[rows.length - 1]?.id ?? afterId;
    const progress = { resource, batch, count: rewrapped, keyVersion };
    logger.info('crypto.rotation_progress', progress);
    await options.afterBatch?.(progress);
  }
  return { rewrapped, skipped };
}

/**
 * Re-wraps every data key that is not under the KEK's current version, column by column, in
 * batches of `batchSize` rows, each batch in its own transaction. IV, ciphertext and tag are
 * untouched, so a row decrypts to the same value before, during and after; no plaintext is
 * produced. Logs `crypto.rotation_progress` after each batch and `crypto.rotation_completed` at
 * the end of each column.
 *
 * Resumable: which rows are done is read from the envelopes themselves, so a run stopped by a
 * crash, a deployment or an outage continues where it stopped when it is run again. Each write
 * is a compare-and-set on the envelope that was read, so a row a request rewrote meanwhile keeps
 * the request's value (`skipped`).
 *
 * Runs outside row scope (every division; `unsafeWithoutScope`), which is why only the key
 * rotation timer calls it.
 *
 * LIMITATION: finding stale rows reads the version out of each envelope's JSON: every run scans
 * the column's rows once (in id order, `batchSize` at a time), even when nothing is stale.
 *
 * @throws AppError CRYPTO_KEY_UNAVAILABLE when an old key version cannot be unwrapped; AppError
 * STORE_UNAVAILABLE when the store fails. Batches committed before the error stay committed.
 */
export async function rewrapStaleFieldKeys(
  options: RewrapStaleFieldKeysOptions,
): Promise<RewrapReport> {
  const { db, kek, logger } = options;
  const keyVersion = await kek.currentVersion();
  let rewrapped = 0;
  let skipped = 0;
  let remaining = 0;
  for (const column of options.columns ?? ENCRYPTED_COLUMNS) {
    const done = await rewrapColumn(options, column, keyVersion);
    // Against the version current now: the holder may have rotated again during the run.
    const left = await countStale(db, column, await kek.currentVersion());
    const resource = `${column.table}.${column.column}`;
    logger.info('crypto.rotation_completed', { resource, count: done.rewrapped, keyVersion });
    if (done.skipped > 0) {
      logger.info('crypto.rotation_rows_changed', { resource, count: done.skipped, keyVersion });
    }
    if (left > 0) logger.warn('crypto.rotation_incomplete', { resource, count: left, keyVersion });
    rewrapped += done.rewrapped;
    skipped += done.skipped;
    remaining += left;
  }
  return { keyVersion, rewrapped, skipped, remaining };
}
