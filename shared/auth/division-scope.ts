import { AppError } from '../errors/app-error.js';
import { isDivision, type Division } from './divisions.js';
import type { VerifiedPrincipal } from './principal.js';

/**
 * Narrows `division` to one the principal is assigned. Anything else, including a value that is
 * not a division at all, is reported exactly like a missing record. `resource` names, for the
 * request's audit event, the record that was out of scope.
 *
 * @throws AppError DATA_NOT_FOUND when the principal may not see the division.
 */
export function assertVisibleDivision(
  principal: VerifiedPrincipal,
  division: string,
  resource?: string,
): asserts division is Division {
  if (!isDivision(division) || !principal.divisions.includes(division)) {
    throw new AppError('DATA_NOT_FOUND', 'Division not assigned to the principal', {
      ...(resource === undefined ? {} : { details: { resource } }),
    });
  }
}
