import { jobRunEvent } from '../../shared/audit/job-run-event.js';
import {
  isRotatableKeyHolder,
  loadKeyRotationPolicy,
  rotateKekIfDue,
} from '../../shared/crypto/key-rotation-policy.js';
import { AppError } from '../../shared/errors/app-error.js';
import { errorCodeOf } from '../../shared/errors/error-code.js';
import { defineTimerFunction } from '../../shared/registry/define-background-functions.js';
import { getServices } from '../../shared/runtime/services.js';

const policy = loadKeyRotationPolicy();

/**
 * Timer `data-rotate-field-keys` (NCRONTAB `EDS_KEY_ROTATION_SCHEDULE`, default daily 03:30
 * UTC; on demand at `POST /admin/functions/data-rotate-field-keys` with an `EDS.Jobs` token).
 *
 * Locally it first adds a key ring version when the current one is `EDS_KEY_ROTATION_DAYS`
 * (default 90) old; in Azure, Key Vault's rotation policy makes new versions and this only
 * re-wraps. Then every data key under an older version is re-wrapped, in batches, resumably
 * (see `rewrapStaleFieldKeys`). Audited as `security.event` `crypto.key_rotation` with counts and
 * version names only, a failed run too (its error code only), as the caller's when asked for on
 * demand.
 *
 * @throws AppError CRYPTO_KEY_UNAVAILABLE or STORE_UNAVAILABLE; the next run resumes.
 */
defineTimerFunction({
  name: 'data-rotate-field-keys',
  capability: 'data',
  schedule: policy.schedule,
  handler: async (requested) => {
    const { db, logger, audit, kek } = await getServices();
    // A run asked for on demand is its caller's, under the request's correlation id.
    const run = jobRunEvent('crypto.key_rotation', requested);
    let report;
    let rotatedTo;
    try {
      // Loaded on first run: the re-wrap sweep pulls in the query builder.
      const { rewrapStaleFieldKeys } = await import('../../shared/crypto/key-rotation.js');
      rotatedTo = isRotatableKeyHolder(kek) ? await rotateKekIfDue(kek, policy, logger) : undefined;
      report = await rewrapStaleFieldKeys({ db, kek, logger });
    } catch (error) {
      // Batches re-wrapped before the failure stay done; the next run resumes after them. The
      // run's own error is what the caller hears, even when this event could not be written
      // (the trail logs that itself).
      await audit
        .append({
          ...run,
          outcome: 'failure',
          detail: { errorCode: errorCodeOf(error), kekRotated: rotatedTo !== undefined },
        })
        .catch(() => undefined);
      throw error;
    }
    await audit.append({
      ...run,
      outcome: report.remaining === 0 ? 'success' : 'failure',
      detail: {
        keyVersion: report.keyVersion,
        kekRotated: rotatedTo !== undefined,
        rewrapped: report.rewrapped,
        skipped: report.skipped,
        remaining: report.remaining,
      },
    });
    // Keys left under an older version: a failed run, whatever it managed; the next resumes.
    if (report.remaining > 0) {
      throw new AppError('INTERNAL', 'key rotation left keys under an older version');
    }
  },
});
