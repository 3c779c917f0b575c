import { sql } from 'kysely';

import type { AppDatabase } from './app-database.js';

/** Rows one purge statement deletes at most; a run repeats until a statement deletes fewer. */
const PURGE_BATCH = 1000;

/**
 * Deletes `Idempotency-Key` records an hour past the 24 hours a key is honoured for, in batches,
 * each its own statement. The hour is for the writes still running: a write's `claimOrReplay`
 * reads its 24 hours from its transaction's start (`now()`), so a record it counts as live could
 * otherwise be purged between that start and its claim (the retry would run its change again) or
 * between its claim and its read of the stored response (it would fail). No write runs for an
 * hour (the function timeout is 5 minutes). Runs unscoped: in Azure as `eds_maintenance`, whose
 * policies (migration 0010) show it expired records only (and give it no UPDATE, so no
 * `FOR UPDATE` either). A record a write is replacing is waited for, then left: the write's new
 * record is not expired. Returns how many were deleted.
 *
 * @throws AppError STORE_UNAVAILABLE when the store fails; batches deleted before stay deleted.
 */
export async function purgeExpiredIdempotencyKeys(
  db: AppDatabase,
  batchSize = PURGE_BATCH,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await db.unsafeWithoutScope((kysely) =>
      sql`DELETE FROM idempotency_keys WHERE (principal_id, key) IN (
          SELECT principal_id, key FROM idempotency_keys
          WHERE created_at < now() - interval '25 hours'
          LIMIT ${batchSize})`.execute(kysely),
    );
    const count = Number(result.numAffectedRows ?? 0n);
    deleted += count;
    if (count < batchSize) return deleted;
  }
}
