import { z } from 'zod';

/** A dollar amount as a decimal string: up to 13 integer digits and 2 decimals, signed. */
export const moneyAmount = z.string().regex(/^-?\d{1,13}(\.\d{1,2})?$/);

/** A calendar date, `YYYY-MM-DD`, between 1990 and 2100. */
export const calendarDate = z.iso
  .date()
  .refine((value) => value >= '1990-01-01' && value <= '2100-12-31', 'out_of_range');

/** A nine-digit DUNS number. */
export const dunsNumber = z.string().regex(/^\d{9}$/);

/** A record id in a JSON body. */
export const recordIdNumber = z.number().int().min(1).max(2147483647);

/** Business category codes as USAspending writes them: distinct, lower-case, at most 64. */
export const businessCategories = z
  .array(z.string().regex(/^[a-z0-9_]{1,64}$/))
  .max(64)
  .refine((codes) => new Set(codes).size === codes.length, 'duplicate');

/**
 * The check that an update body names at least one field (`no_fields`). It runs only on a body
 * with nothing else wrong: a body whose only key is unknown reports that key, not also an empty
 * update.
 */
export const atLeastOneField = {
  check: (body: object): boolean => Object.keys(body).length > 0,
  params: {
    message: 'no_fields',
    when: (payload: { readonly issues: readonly unknown[] }) => payload.issues.length === 0,
  },
} as const;
