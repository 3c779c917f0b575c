/**
 * Opaque keyset cursors for list pages. Compatibility: clients hold these between requests;
 * version 2 is base64url JSON `{ v: 2, k: sortKey, f: listScope, s: lastSortValue, i: lastId }`.
 * A version 1 cursor (no `f`, made before cursors were bound to their list) is refused 400
 * `invalid_cursor`: the client starts the list again. A cursor carries no row data beyond the
 * sort value and id of the last item the caller already saw.
 */
import { z } from 'zod';

import {
  cursorScopeOf,
  CursorScopeSchema,
  decodeOpaqueCursor,
  encodeOpaqueCursor,
  invalidCursorError,
} from '../../shared/http/opaque-cursor.js';
import { isStorableText } from '../../shared/validation/storable-text.js';
import type { SortType } from './data-resource.js';

/** Longest text sort value a cursor carries, in UTF-16 units (a vendor name holds 300). */
const MAX_TEXT_SORT_VALUE = 500;

/**
 * Longest cursor the server makes: base64url of the JSON body with a text sort value of
 * {@link MAX_TEXT_SORT_VALUE} units, each up to 3 bytes in UTF-8 (a BMP character; a pair of
 * surrogates is 4 bytes for 2 units, a JSON-escaped quote or backslash 2), plus the rest of the
 * body (`v`, a sort key of up to 64 characters, the list scope, the id) in under 160 bytes. A
 * name in CJK characters or in quotes is two to three times its length in bytes.
 */
export const MAX_RECORD_CURSOR_LENGTH = Math.ceil((MAX_TEXT_SORT_VALUE * 3 + 160) / 3) * 4;

const SORT_VALUE: Record<SortType, z.ZodType<string | number>> = {
  integer: z.number().int().min(-2147483648).max(2147483647),
  numeric: z.string().regex(/^-?\d{1,16}(\.\d{1,4})?$/),
  // A day of the calendar (zod's ISO date knows leap years), from year 1000 on, as the store
  // holds dates: `2017-02-30` was not made here.
  date: z.iso.date().regex(/^[1-9]/),
  // A stored text is always storable, so a cursor whose value is not was not made here.
  text: z.string().max(MAX_TEXT_SORT_VALUE).refine(isStorableText),
};

/** Query parameters that do not make another list (see {@link listScopeOf}). */
const UNSCOPED = new Set(['cursor', 'limit', 'sort']);

const CursorSchema = z
  .object({
    v: z.literal(2),
    k: z.string().max(64),
    f: CursorScopeSchema,
    s: z.union([z.string(), z.number()]),
    i: z.number().int().min(1).max(2147483647),
  })
  .strict();

/** A decoded cursor: resume after the item with this sort value and id, in the same list. */
export interface RecordCursor {
  readonly sortKey: string;
  /** The list it was made for: {@link listScopeOf} its resource and filters. */
  readonly scope: string;
  readonly sortValue: string | number;
  readonly id: number;
}

/**
 * The list a cursor belongs to: a digest of the resource and every parameter of the query but
 * `cursor`, `limit` (a page size may change between pages) and `sort` (the cursor's own sort key
 * binds it, so `sort=id` and no `sort` are one list). Two queries that parse to the same
 * parameters share it; a filter or the text searched may not change between pages.
 */
export function listScopeOf(resourceNoun: string, query: object): string {
  const filters = Object.fromEntries(
    Object.entries(query).filter(([name]) => !UNSCOPED.has(name)),
  );
  return cursorScopeOf({ resource: resourceNoun, filters });
}

/** The cursor that resumes a list after `cursor`, for the same sort and list. */
export function encodeCursor(cursor: RecordCursor): string {
  return encodeOpaqueCursor({
    v: 2,
    k: cursor.sortKey,
    f: cursor.scope,
    s: cursor.sortValue,
    i: cursor.id,
  });
}

/**
 * Decodes a cursor made by {@link encodeCursor} for the same sort and list.
 *
 * @throws AppError VALIDATION_FAILED (400, path `cursor`) when the text is not base64url JSON
 * of the v2 shape, was made for another sort, resource or set of filters, or holds a sort value
 * of the wrong type.
 */
export function decodeCursor(
  text: string,
  expected: { readonly sortKey: string; readonly type: SortType; readonly scope: string },
): RecordCursor {
  const cursor = decodeOpaqueCursor(text, CursorSchema, MAX_RECORD_CURSOR_LENGTH);
  if (cursor.k !== expected.sortKey || cursor.f !== expected.scope) throw invalidCursorError();
  const value = SORT_VALUE[expected.type].safeParse(cursor.s);
  if (!value.success) throw invalidCursorError();
  return { sortKey: cursor.k, scope: cursor.f, sortValue: value.data, id: cursor.i };
}
