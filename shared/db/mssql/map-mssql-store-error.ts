import { AppError, isAppError } from '../../errors/app-error.js';
import { isStoreOutage, STORE_RETRY_AFTER_SECONDS } from '../store-outage.js';

// tedious: socket failure, sign-in or request timeout, connection closed under a request.
const OUTAGE_CODES = new Set(['ESOCKET', 'ETIMEOUT', 'ECLOSE', 'ECONNCLOSED']);

// Azure SQL's transient errors: database unavailable, reconfiguring, busy, throttled.
// https://learn.microsoft.com/azure/azure-sql/database/troubleshoot-common-errors-issues
const TRANSIENT_NUMBERS = new Set([40613, 40197, 40501, 49918, 49919, 49920, 4221, 10928, 10929]);

function readField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** True when an error from tedious means SQL Server is unreachable or briefly unavailable. */
export function isMssqlStoreOutage(error: unknown): boolean {
  if (isAppError(error)) return false;
  const code = readField(error, 'code');
  if (typeof code === 'string' && OUTAGE_CODES.has(code)) return true;
  const number = readField(error, 'number');
  if (typeof number === 'number' && TRANSIENT_NUMBERS.has(number)) return true;
  return isStoreOutage(error);
}

/**
 * Turns a SQL Server outage into AppError STORE_UNAVAILABLE (503, retry after a few seconds)
 * and returns any other error unchanged. The driver's message stays in `cause`, never public.
 */
export function mapMssqlStoreError(error: unknown): unknown {
  if (!isMssqlStoreOutage(error)) return error;
  return new AppError('STORE_UNAVAILABLE', 'Relational store unavailable', {
    details: { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
    cause: error,
  });
}
