import type { ZodError } from 'zod';

import { AppError } from '../errors/app-error.js';

/** A 400 naming the rejected fields of a store input, never their values. */
export function invalidInput(error: ZodError, what: string): AppError {
  const issues = error.issues.map((issue) => ({
    location: 'body' as const,
    path: issue.path.join('.'),
    rule: issue.code,
  }));
  return new AppError('VALIDATION_FAILED', `Invalid ${what}`, { details: { issues } });
}
