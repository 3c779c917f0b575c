import type { ZodError } from 'zod';

import type { Division } from '../auth/divisions.js';
import { isDivision } from '../auth/divisions.js';
import type { VerifiedPrincipal } from '../auth/principal.js';
import { AppError } from '../errors/app-error.js';

/**
 * Narrows `division` to one the principal is assigned. Anything else, including a value that is
 * not a division at all, is reported exactly like a missing record.
 *
 * @throws AppError DATA_NOT_FOUND when the principal may not see the division.
 */
export function assertVisibleDivision(
  principal: VerifiedPrincipal,
  division: string,
): asserts division is Division {
  if (!isDivision(division) || !principal.divisions.includes(division)) {
    throw new AppError('DATA_NOT_FOUND', 'Division not assigned to the principal');
  }
}

/** A 400 naming the rejected fields of a store input, never their values. */
export function invalidInput(error: ZodError, what: string): AppError {
  const issues = error.issues.map((issue) => ({
    location: 'body' as const,
    path: issue.path.join('.'),
    rule: issue.code,
  }));
  return new AppError('VALIDATION_FAILED', `Invalid ${what}`, { details: { issues } });
}
