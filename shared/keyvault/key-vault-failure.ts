import { AppError, isAppError } from '../errors/app-error.js';

function describeCause(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown error';
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode === 'number') return `HTTP ${statusCode}`;
  if (typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code)) return code;
  return 'unknown error';
}

/**
 * Turns any failure of a Key Vault call (401/403/404 from the service, a network error, a TLS
 * failure) into `AppError('CRYPTO_KEY_UNAVAILABLE')`. The message names the operation and the
 * HTTP status or error code only, never the vault, key or secret name; the SDK error stays in
 * `cause` for operators. An `AppError` passes through unchanged.
 */
export function toKeyVaultFailure(operation: string, error: unknown): AppError {
  if (isAppError(error)) return error;
  const message = `Key Vault ${operation} failed: ${describeCause(error)}`;
  return new AppError('CRYPTO_KEY_UNAVAILABLE', message, { cause: error });
}
