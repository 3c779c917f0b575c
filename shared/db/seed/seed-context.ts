import { sql, type Insertable, type Transaction } from 'kysely';

import type { FieldCipher } from '../../crypto/field-cipher.js';
import type { Logger } from '../../logging/logger.js';
import type { Database } from '../schema.js';

/** What a dataset loader needs: the open transaction, the cipher and a logger. */
export interface SeedContext {
  readonly trx: Transaction<Database>;
  readonly cipher: FieldCipher;
  readonly logger: Logger;
}

/** Rows inserted per statement: well under Postgres's 65,535 bind parameters at any width. */
export const SEED_BATCH_SIZE = 200;

/** Row counts of one dataset load, by table, plus `skipped` source rows. */
export type DatasetCounts = Readonly<Record<string, number>>;

/** Inserts rows in batches of {@link SEED_BATCH_SIZE}. */
export async function insertInBatches<T extends keyof Database>(
  trx: Transaction<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += SEED_BATCH_SIZE) {
    const batch = rows.slice(start, start + SEED_BATCH_SIZE);
    await trx.insertInto(table).values(batch).execute();
  }
}

/** Reserves `count` ids from a table's identity sequence, so ids are known before inserting. */
export async function reserveIds(
  trx: Transaction<Database>,
  table: keyof Database,
  count: number,
): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    SELECT nextval(pg_get_serial_sequence(${table}, 'id'))::integer AS id
    FROM generate_series(1, ${count})`.execute(trx);
  return rows.map((row) => row.id);
}
