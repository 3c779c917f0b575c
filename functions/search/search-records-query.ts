import { z } from 'zod';

import { freeText } from '../../shared/validation/free-text.js';

import { SEARCH_RESOURCE_NAMES, type SearchResourceName } from './search-resources.js';

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 50;

const names = SEARCH_RESOURCE_NAMES as unknown as [SearchResourceName, ...SearchResourceName[]];

/**
 * The query of `GET /api/v1/search`: `q` (1–200 characters of words, matched as plain text),
 * `resources` (a comma list of resource names), `limit` (1–50) and `cursor`. Anything else is
 * refused.
 */
export const SearchRecordsQuerySchema = z
  .object({
    q: freeText(200, { trim: true }),
    resources: z
      .string()
      .max(200)
      .transform((value) => [...new Set(value.split(',').map((part) => part.trim()))])
      .pipe(z.array(z.enum(names)).min(1))
      .optional(),
    limit: z
      .string()
      .regex(/^\d{1,2}$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_SEARCH_LIMIT))
      .default(DEFAULT_SEARCH_LIMIT),
    cursor: z.string().min(1).max(200).optional(),
  })
  .strict();

/** A page of search hits, for the OpenAPI description. */
export const SearchPageSchema = z
  .object({
    hits: z.array(
      z.object({
        resource: z.enum(names),
        id: z.number().int(),
        division: z.string(),
        title: z.string().nullable(),
        score: z.number(),
        highlights: z.array(z.object({ field: z.string(), fragments: z.array(z.string()) })),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'SearchPage' });
