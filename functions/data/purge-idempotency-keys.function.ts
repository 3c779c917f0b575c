import { jobRunEvent } from '../../shared/audit/job-run-event.js';
import { errorCodeOf } from '../../shared/errors/error-code.js';
import { defineTimerFunction } from '../../shared/registry/define-background-functions.js';
import { getServices } from '../../shared/runtime/services.js';

/**
 * Timer `data-purge-idempotency-keys`, hourly at minute 17 (on demand at
 * `POST /admin/functions/data-purge-idempotency-keys` with an `EDS.Jobs` token): deletes the
 * `Idempotency-Key` records an hour past their 24 hours (see `purgeExpiredIdempotencyKeys`), so
 * the stored write responses do not pile up. Audited as `security.event`
 * `data.idempotency_keys_purged` with the count only, a failed run too (its error code only), as
 * the caller's when asked for on demand.
 *
 * @throws AppError STORE_UNAVAILABLE; the next run deletes what this one left.
 */
defineTimerFunction({
  name: 'data-purge-idempotency-keys',
  capability: 'data',
  schedule: '0 17 * * * *',
  handler: async (requested) => {
    const { db, audit } = await getServices();
    // A run asked for on demand is its caller's, under the request's correlation id.
    const run = jobRunEvent('data.idempotency_keys_purged', requested);
    let deleted;
    try {
      // Loaded on first run, not at cold start: the purge pulls in the query builder.
      const purge = await import('../../shared/db/purge-idempotency-keys.js');
      deleted = await purge.purgeExpiredIdempotencyKeys(db);
    } catch (error) {
      await audit
        .append({ ...run, outcome: 'failure', detail: { errorCode: errorCodeOf(error) } })
        .catch(() => undefined);
      throw error;
    }
    await audit.append({ ...run, outcome: 'success', detail: { deleted } });
  },
});
