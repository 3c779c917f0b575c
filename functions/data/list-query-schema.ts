import { z, type ZodRawShape } from 'zod';

import { DIVISIONS } from '../../shared/auth/divisions.js';
import { freeText } from '../../shared/validation/free-text.js';
import { queryInt } from '../../shared/validation/query-int.js';
import { MAX_RECORD_CURSOR_LENGTH } from './record-cursor.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `true` or `false` in a query string. */
export const queryBoolean = z.enum(['true', 'false']).transform((value) => value === 'true');

/** A record id in a path or query string. */
export const recordId = queryInt(1, 2147483647);

/**
 * A federal fiscal year in a query string. Record dates run from 1990 to 2100, and October to
 * December of 2100 fall in fiscal year 2101, so that year can be asked for too.
 */
export const fiscalYear = queryInt(1990, 2101);

/** An Assistance Listing number such as `20.205` or `20.RD`. */
export const assistanceListing = z.string().regex(/^\d{2}\.[0-9A-Z]{2,4}$/);

/**
 * The strict query schema of one list: paging, `division`, `sort`, text search `q`, and the
 * resource's own filters. Unknown parameters are refused.
 */
export function listQuerySchema<S extends ZodRawShape, K extends string>(
  sortKeys: readonly [K, ...K[]],
  shape: S,
) {
  const sorts = sortKeys.flatMap((key) => [key, `-${key}`]) as [string, ...string[]];
  return z
    .object({
      // Absent, a page holds DEFAULT_PAGE_SIZE items (the list operation applies it, as operations
      // are called without this schema too).
      limit: queryInt(1, MAX_PAGE_SIZE)
        .optional()
        .meta({ default: String(DEFAULT_PAGE_SIZE) }),
      cursor: z
        .string()
        .min(1)
        .max(MAX_RECORD_CURSOR_LENGTH)
        .optional()
        .meta({
          description:
            'The `nextCursor` of the page before, in the same list: the same resource, filters ' +
            'and text searched (`limit` may change). Any other is refused 400 `invalid_cursor`.',
        }),
      division: z.enum(DIVISIONS).optional(),
      sort: z.enum(sorts).optional(),
      q: freeText(200, { trim: true }).optional(),
      ...shape,
    })
    .strict();
}

/** Path parameters of a get-by-id route. */
export const RecordIdParamsSchema = z.object({ id: recordId }).strict();

/** A page of items, each as the caller's clearance lets it be answered (`redactedItemSchema`). */
export function pageSchema<T extends z.ZodObject>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable(),
      total: z.number().int(),
    })
    .meta({ id });
}
