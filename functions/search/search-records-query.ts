import { z } from 'zod';

import { highestClassification } from '../../shared/auth/roles.js';
import { MAX_SEARCH_CURSOR_LENGTH } from '../../shared/search/search-cursor.js';
import { freeText } from '../../shared/validation/free-text.js';
import { queryIntWithDefault } from '../../shared/validation/query-int.js';

import {
  SEARCH_RESOURCE_NAMES,
  SEARCH_RESOURCES,
  type SearchResourceName,
} from './search-resources.js';

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
    limit: queryIntWithDefault(1, MAX_SEARCH_LIMIT, DEFAULT_SEARCH_LIMIT),
    cursor: z
      .string()
      .min(1)
      .max(MAX_SEARCH_CURSOR_LENGTH)
      .optional()
      .meta({
        description:
          'The `nextCursor` of the page before, for the same `q` and `resources` (`limit` may ' +
          'change). Any other is refused 400 `invalid_cursor`.',
      }),
  })
  .strict();

/** A hit's title is one resource's title field; the highest level among those fields. */
const TITLE_LEVEL = highestClassification(
  SEARCH_RESOURCES.flatMap((resource) =>
    resource.fields
      .filter((field) => field.name === resource.titleField)
      .map((field) => field.classification),
  ),
);
/** Highlights come from any searched field the caller's clearance reads. */
const HIGHLIGHT_LEVEL = highestClassification(
  SEARCH_RESOURCES.flatMap((resource) => resource.fields.map((field) => field.classification)),
);

/**
 * A page of search hits, for the OpenAPI description. Fields carry `x-eds-classification` as
 * record fields do; a highlight's level is that of its field, never above the caller's clearance
 * (fields the caller may not read are neither matched nor highlighted).
 */
export const SearchPageSchema = z
  .object({
    hits: z.array(
      z
        .object({
          resource: z.enum(names).meta({ 'x-eds-classification': 'PUBLIC' }),
          id: z.number().int().meta({ 'x-eds-classification': 'PUBLIC' }),
          division: z.string().meta({ 'x-eds-classification': 'PUBLIC' }),
          title: z.string().nullable().meta({ 'x-eds-classification': TITLE_LEVEL }),
          score: z.number(),
          highlights: z.array(
            z.object({
              field: z.string(),
              fragments: z.array(z.string()).meta({
                'x-eds-classification': HIGHLIGHT_LEVEL,
                description:
                  `Up to ${HIGHLIGHT_LEVEL}: the level of the field named, ` +
                  "at most the caller's clearance. HTML: the record's text escaped " +
                  '(`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#x27;`), each match in ' +
                  '`<mark>`…`</mark>`, no other element; `title` is plain text.',
              }),
            }),
          ),
        })
        .meta({ id: 'SearchHit' }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'SearchPage' });
