/**
 * Opaque keyset cursors for list pages. Compatibility: clients hold these between requests;
 * version 1 is base64url JSON `{ v: 1, k: sortKey, s: lastSortValue, i: lastId }`. A cursor
 * carries no row data beyond the sort value and id of the last item the caller already saw.
 */
import { z } from 'zod';

import {
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
 * body (`v`, a sort key of up to 64 characters, the id) in under 128 bytes. A name in CJK
 * characters or in quotes is two to three times its length in bytes.
 */
export const MAX_RECORD_CURSOR_LENGTH = Math.ceil((MAX_TEXT_SORT_VALUE * 3 + 128) / 3) * 4;

const SORT_VALUE: Record<SortType, z.ZodType<string | number>> = {
  integer: z.number().int().min(-2147483648).max(2147483647),
  numeric: z.string().regex(/^-?\d{1,16}(\.\d{1,4})?$/),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  // A stored text is always storable, so a cursor whose value is not was not made here.
  text: z.string().max(MAX_TEXT_SORT_VALUE).refine(isStorableText),
};

const CursorSchema = z
  .object({
    v: z.literal(1),
    k: z.string().max(64),
    s: z.union([z.string(), z.number()]),
    i: z.number().int().min(1).max(2147483647),
  })
  .strict();

/** A decoded cursor: resume after the item with this sort value and id. */
export interface RecordCursor {
  readonly sortKey: string;
  readonly sortValue: string | number;
  readonly id: number;
}

/** The cursor that resumes a list after `cursor`, for the same sort. */
export function encodeCursor(cursor: RecordCursor): string {
  return encodeOpaqueCursor({ v: 1, k: cursor.sortKey, s: cursor.sortValue, i: cursor.id });
}

/**
 * Decodes a cursor made by {@link encodeCursor} for the same sort.
 *
 * @throws AppError VALIDATION_FAILED (400, path `cursor`) when the text is not base64url JSON
 * of the v1 shape, was made for another sort, or holds a sort value of the wrong type.
 */
export function decodeCursor(text: string, sortKey: string, type: SortType): RecordCursor {
  const cursor = decodeOpaqueCursor(text, CursorSchema, MAX_RECORD_CURSOR_LENGTH);
  if (cursor.k !== sortKey) throw invalidCursorError();
  const value = SORT_VALUE[type].safeParse(cursor.s);
  if (!value.success) throw invalidCursorError();
  return { sortKey, sortValue: value.data, id: cursor.i };
}
