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

const SORT_VALUE: Record<SortType, z.ZodType<string | number>> = {
  integer: z.number().int().min(-2147483648).max(2147483647),
  numeric: z.string().regex(/^-?\d{1,16}(\.\d{1,4})?$/),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  // A stored text is always storable, so a cursor whose value is not was not made here.
  text: z.string().max(500).refine(isStorableText),
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
  const cursor = decodeOpaqueCursor(text, CursorSchema, 700);
  if (cursor.k !== sortKey) throw invalidCursorError();
  const value = SORT_VALUE[type].safeParse(cursor.s);
  if (!value.success) throw invalidCursorError();
  return { sortKey, sortValue: value.data, id: cursor.i };
}
