import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

/** A field-level problem in a rejected request: where, and what rule. Never the value. */
export interface FieldIssue {
  readonly location: 'params' | 'query' | 'body' | 'header';
  readonly path: string;
  readonly rule: string;
}

export interface AppErrorDetails {
  readonly issues?: readonly FieldIssue[];
  readonly retryAfterSeconds?: number;
  /** Machine reason for operational logs and audit (e.g. jose's error code); never rendered. */
  readonly reason?: string;
  /**
   * The record a refused operation aimed at, as the trail names records (`contracts/41`), when
   * its path does not name it (a body field did); audited as the request's `resource`, never
   * rendered.
   */
  readonly resource?: string;
}

export interface AppErrorOptions {
  /** Safe to show to the caller. Without it the caller sees only the code's title. */
  readonly publicMessage?: string;
  readonly details?: AppErrorDetails;
  readonly cause?: unknown;
}

/**
 * The one error type the app throws on purpose. The boundary maps it to problem+json by `code`.
 *
 * > [!WARNING]
 * > `message` is for operational logs only and still must not hold tokens, claims, prompts or
 * > RESTRICTED values; `publicMessage` is what the caller reads.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly publicMessage: string | undefined;
  readonly details: AppErrorDetails;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.publicMessage = options.publicMessage;
    this.details = options.details ?? {};
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
