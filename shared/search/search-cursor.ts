/**
 * Opaque search cursors. Compatibility: clients hold these between requests; version 2 is
 * base64url JSON `{ v: 2, f: searchScope, o: offset }`, the number of hits already returned in
 * that search. A version 1 cursor (`{ v: 1, o }`, bound to no search) is refused 400
 * `invalid_cursor`: the client searches again from the first page.
 */
import { z } from 'zod';

import {
  cursorScopeOf,
  CursorScopeSchema,
  decodeOpaqueCursor,
  encodeOpaqueCursor,
  invalidCursorError,
} from '../http/opaque-cursor.js';
import type { SearchQuery } from './search-index.js';

/**
 * How deep a caller may page.
 *
 * LIMITATION: search pages by offset, not keyset: a cursor's offset is at most this, so a caller
 * sees at most this many hits plus one more page for one query; narrow the words or the
 * resources to reach the rest.
 */
export const MAX_SEARCH_OFFSET = 500;

/** Longest search cursor taken; the ones made here are about 50 characters. */
export const MAX_SEARCH_CURSOR_LENGTH = 200;

const CursorSchema = z
  .object({
    v: z.literal(2),
    f: CursorScopeSchema,
    o: z.number().int().min(1).max(MAX_SEARCH_OFFSET),
  })
  .strict();

/**
 * The search a cursor belongs to: a digest of its words and resources (in the order given, as
 * the hits' order may depend on it). The page size may change between pages.
 */
function searchScopeOf(query: Pick<SearchQuery, 'q' | 'resources'>): string {
  return cursorScopeOf({ q: query.q, resources: query.resources ?? null });
}

/** The cursor of the page after `offset` hits of `query`, or null past the cap. */
export function encodeSearchCursor(
  offset: number,
  query: Pick<SearchQuery, 'q' | 'resources'>,
): string | null {
  if (offset > MAX_SEARCH_OFFSET) return null;
  return encodeOpaqueCursor({ v: 2, f: searchScopeOf(query), o: offset });
}

/**
 * The offset `query.cursor` resumes at; 0 without a cursor.
 *
 * @throws AppError VALIDATION_FAILED (path `cursor`) when the text is not a v2 search cursor,
 * or was made for other words or resources.
 */
export function decodeSearchCursor(query: SearchQuery): number {
  if (query.cursor === undefined) return 0;
  const cursor = decodeOpaqueCursor(query.cursor, CursorSchema, MAX_SEARCH_CURSOR_LENGTH);
  if (cursor.f !== searchScopeOf(query)) throw invalidCursorError();
  return cursor.o;
}
