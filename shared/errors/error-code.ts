/** What `errorCodeOf` returns when a thrown value carries no code that is safe to log. */
export const UNKNOWN_ERROR_CODE = 'UNKNOWN';

/** Upper-case letters, digits and underscores only: SQLSTATEs, Node codes, AppError codes. */
const SAFE_CODE = /^[A-Z0-9_]{1,40}$/;

/**
 * The `code` of any thrown value, for operational logs and for comparing against a known code
 * (`'23505'`, `'ENOENT'`, `'STORE_UNAVAILABLE'`).
 *
 * > [!WARNING]
 * > Drivers and SDKs put free text in `code` now and then; only a short upper-case code is
 * > returned, anything else (missing, not a string, too long, other characters) reads `UNKNOWN`,
 * > so the result is always safe to log. It says nothing about the error's class: a caller that
 * > must know it has an `AppError` checks `isAppError` itself.
 */
export function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && SAFE_CODE.test(code) ? code : UNKNOWN_ERROR_CODE;
}
