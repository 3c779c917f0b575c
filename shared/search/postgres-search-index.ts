import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';

import { DIVISIONS } from '../auth/divisions.js';
import type { VerifiedPrincipal } from '../auth/principal.js';
import type { AppDatabase } from '../db/app-database.js';
import { assertSearchResources } from './assert-search-resources.js';
import { MATCH_END, MATCH_START, toHighlightMarkup } from './highlight-markup.js';
import { readableSearchFields } from './readable-search-fields.js';
import { decodeSearchCursor, encodeSearchCursor } from './search-cursor.js';
import type { SearchHit, SearchIndex, SearchPage, SearchQuery } from './search-index.js';
import type { SearchResource } from './search-resource.js';
import { selectSearchResources } from './select-search-resources.js';

/** Options of {@link createPostgresSearchIndex}. */
export interface PostgresSearchIndexOptions {
  readonly db: AppDatabase;
  readonly resources: readonly SearchResource[];
}

const FRAGMENT_BREAK = '\uE002';
const HEADLINE_OPTIONS =
  `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=20, MinWords=6, ` +
  `MaxFragments=2, FragmentDelimiter=${FRAGMENT_BREAK}`;
// ts_headline drops whatever its parser reads as an HTML tag (`<b>`), so angle brackets travel
// as private-use stand-ins and come back after. `translate` maps `<` and `>` to the stand-ins
// and deletes every other listed character, so record text cannot forge a delimiter.
const LESS_THAN = '\uE003';
const GREATER_THAN = '\uE004';
const TRANSLATE_FROM = `<>${MATCH_START}${MATCH_END}${FRAGMENT_BREAK}${LESS_THAN}${GREATER_THAN}`;
const TRANSLATE_TO = `${LESS_THAN}${GREATER_THAN}`;

const HitRowSchema = z.object({
  resource: z.string(),
  id: z.number().int(),
  division: z.enum(DIVISIONS),
  title: z.string().nullable(),
  score: z.number(),
  highlights: z.array(z.object({ field: z.string(), text: z.string() })),
});
type HitRow = z.infer<typeof HitRowSchema>;

/** `plainto_tsquery` reads text as words joined by AND: it has no operators to inject. */
function tsquery(q: string): RawBuilder<unknown> {
  return sql`plainto_tsquery('english'::regconfig, ${q})`;
}

/**
 * One resource's matches. With every field readable the generated `search` column (and its GIN
 * index) serves; otherwise the vector is built from the readable fields alone, so a caller
 * cannot find a record by text they may not read.
 */
function matchesOf(
  resource: SearchResource,
  principal: VerifiedPrincipal,
  q: string,
): RawBuilder<unknown> | undefined {
  const fields = readableSearchFields(resource, principal.clearance);
  if (fields.length === 0) return undefined;
  const vector =
    fields.length === resource.fields.length
      ? sql.ref('search')
      : sql`to_tsvector('english'::regconfig,
          concat_ws(' ', ${sql.join(fields.map((field) => sql.ref(field.column)))}))`;
  const title = resource.fields.find((field) => field.name === resource.titleField);
  const pairs = fields.map((field) => sql`${field.name}::text, ${sql.ref(field.column)}::text`);
  // Row-level security already bounds the rows to the caller's divisions; the filter says so
  // in the query too.
  return sql`
    SELECT ${resource.name}::text AS resource, id, division::text AS division,
      ${sql.ref(title?.column ?? 'id')}::text AS title,
      ts_rank(${vector}, ${tsquery(q)}) AS score,
      jsonb_build_object(${sql.join(pairs)}) AS fields
    FROM ${sql.table(resource.table)}
    WHERE division::text = ANY (${[...principal.divisions]}::text[])
      AND ${vector} @@ ${tsquery(q)}`;
}

function toHit(row: HitRow): SearchHit {
  const highlights = row.highlights.map((highlight) => ({
    field: highlight.field,
    fragments: highlight.text
      .replaceAll(LESS_THAN, '<')
      .replaceAll(GREATER_THAN, '>')
      .split(FRAGMENT_BREAK)
      .map(toHighlightMarkup),
  }));
  return { ...row, highlights };
}

/**
 * The local search index: Postgres full-text search over the record tables themselves, through
 * `withScope`, so row-level security bounds every hit to the caller's divisions. Matching uses
 * `plainto_tsquery` (words only, no operators), ranking `ts_rank`, highlights `ts_headline` over
 * the fields the caller's clearance covers; every value is a bind parameter.
 *
 * `index` and `remove` do nothing, by design: the tables are the index, and the generated
 * `search` columns change with the rows.
 *
 * @throws Error at construction when the catalogue is malformed.
 */
export function createPostgresSearchIndex(options: PostgresSearchIndexOptions): SearchIndex {
  assertSearchResources(options.resources);
  const { db } = options;

  return {
    async search(principal: VerifiedPrincipal, query: SearchQuery): Promise<SearchPage> {
      const offset = decodeSearchCursor(query);
      const selected = selectSearchResources(options.resources, query.resources);
      const branches = selected.flatMap(
        (resource) => matchesOf(resource, principal, query.q) ?? [],
      );
      if (principal.divisions.length === 0 || branches.length === 0) {
        return { hits: [], nextCursor: null };
      }
      const union = sql.join(
        branches.map((branch) => sql`(${branch})`),
        sql` UNION ALL `,
      );
      const rows = await db.withScope(principal, async (trx) => {
        const result = await sql<unknown>`
          SELECT page.resource, page.id, page.division, page.title, page.score,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('field', h.key, 'text', h.text)
                ORDER BY h.key), '[]'::jsonb)
              FROM (SELECT f.key, ts_headline('english'::regconfig,
                  translate(f.value, ${TRANSLATE_FROM}, ${TRANSLATE_TO}), ${tsquery(query.q)},
                  ${HEADLINE_OPTIONS}) AS text
                FROM jsonb_each_text(page.fields) f WHERE f.value IS NOT NULL) h
              WHERE strpos(h.text, ${MATCH_START}) > 0) AS highlights
          FROM (
            SELECT * FROM (${union}) hits
            ORDER BY score DESC, resource, id
            LIMIT ${query.limit + 1} OFFSET ${offset}
          ) page
          ORDER BY page.score DESC, page.resource, page.id`.execute(trx);
        return result.rows;
      });
      const hits = rows.map((row) => toHit(HitRowSchema.parse(row)));
      const hasMore = hits.length > query.limit;
      return {
        hits: hits.slice(0, query.limit),
        nextCursor: hasMore ? encodeSearchCursor(offset + query.limit, query) : null,
      };
    },
    // The tables are the index: nothing to write.
    index: () => Promise.resolve(),
    remove: () => Promise.resolve(),
  };
}
