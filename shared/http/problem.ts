import { ERROR_TITLE, type ErrorCode } from '../errors/error-codes.js';
import { AppError } from '../errors/app-error.js';

/** RFC 9457 problem details as this API writes them. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ErrorCode;
  readonly correlationId: string;
  readonly detail?: string;
  readonly errors?: readonly { location: string; path: string; rule: string }[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The problem type URI for a code: stable, documented in the OpenAPI description. */
export function problemType(code: ErrorCode): string {
  return `urn:eds:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

/**
 * Turns any thrown value into a problem document. Anything that is not an AppError becomes a
 * bare 500 carrying only the correlation id: no message, no stack, no rejected value.
 */
export function toProblem(
  error: unknown,
  correlationId: string,
): { problem: ProblemDocument; error: AppError } {
  const appError =
    error instanceof AppError
      ? error
      : new AppError('INTERNAL', 'unexpected error', { cause: error });
  const issues = appError.details.issues;
  const problem: ProblemDocument = {
    type: problemType(appError.code),
    title: ERROR_TITLE[appError.code],
    status: appError.status,
    code: appError.code,
    correlationId,
    ...(appError.publicMessage === undefined ? {} : { detail: appError.publicMessage }),
    ...(issues === undefined || issues.length === 0 ? {} : { errors: issues }),
  };
  return { problem, error: appError };
}
