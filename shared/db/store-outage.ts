import { AppError, isAppError } from '../errors/app-error.js';

/** Seconds a caller should wait before retrying when the store is down. */
export const STORE_RETRY_AFTER_SECONDS = 5;

const OUTAGE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);
// SQLSTATE classes 08 (connection exception), 53 (insufficient resources), 57P0x (shutdown).
const OUTAGE_SQLSTATE = /^(08|53|57P0[1-3])/;
const OUTAGE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended',
  'connection is closed',
  'Query read timeout',
];
const OUTAGE_MESSAGE = new RegExp(OUTAGE_MESSAGES.join('|'), 'i');

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

/** True when an error from `pg` means the store is unreachable, rather than a bad query. */
export function isStoreOutage(error: unknown): boolean {
  if (isAppError(error)) return false;
  const code = readString(error, 'code');
  if (code !== undefined && (OUTAGE_ERRNO.has(code) || OUTAGE_SQLSTATE.test(code))) return true;
  if (code === '57014') return true; // statement_timeout: treat a stalled store as unavailable
  const message = readString(error, 'message');
  return message !== undefined && OUTAGE_MESSAGE.test(message);
}

/**
 * Turns a store outage into AppError STORE_UNAVAILABLE (503, retry after a few seconds) and
 * returns any other error unchanged. The driver's message stays in `cause`, never public.
 */
export function mapStoreError(error: unknown): unknown {
  const code = readString(error, 'code');
  if (!isAppError(error) && code !== undefined && /^22/.test(code)) {
    // SQLSTATE class 22 (data exception): a value the request carried, such as a date inside a
    // cursor, that the store cannot take. The caller's input, not an outage and not our fault.
    return new AppError('VALIDATION_FAILED', 'Value rejected by the store', { cause: error });
  }
  if (!isStoreOutage(error)) return error;
  return new AppError('STORE_UNAVAILABLE', 'Relational store unavailable', {
    details: { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
    cause: error,
  });
}
