/**
 * Opaque keyset cursors for list pages. Compatibility: clients hold these between requests;
 * version 1 is base64url JSON `{ v: 1, k: sortKey, s: lastSortValue, i: lastId }`. A cursor
 * carries no row data beyond the sort value and id of the last item the caller already saw.
 */
import { z } from 'zod';

import { AppError } from '../../shared/errors/app-error.js';
import type { SortType } from './data-resource.js';

const SORT_VALUE: Record<SortType, z.ZodType<string | number>> = {
  integer: z.number().int().min(-2147483648).max(2147483647),
  numeric: z.string().regex(/^-?\d{1,16}(\.\d{1,4})?$/),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  text: z.string().max(500),
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

function invalidCursor(cause?: unknown): AppError {
  return new AppError('VALIDATION_FAILED', 'invalid cursor', {
    details: { issues: [{ location: 'query', path: 'cursor', rule: 'invalid_cursor' }] },
    cause,
  });
}

export function encodeCursor(cursor: RecordCursor): string {
  const body = { v: 1, k: cursor.sortKey, s: cursor.sortValue, i: cursor.id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor} for the same sort.
 *
 * @throws AppError VALIDATION_FAILED (400, path `cursor`) when the text is not base64url JSON
 * of the v1 shape, was made for another sort, or holds a sort value of the wrong type.
 */
export function decodeCursor(text: string, sortKey: string, type: SortType): RecordCursor {
  if (!/^[A-Za-z0-9_-]{1,700}$/.test(text)) throw invalidCursor();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch (cause) {
    throw invalidCursor(cause);
  }
  const parsed = CursorSchema.safeParse(raw);
  if (!parsed.success || parsed.data.k !== sortKey) throw invalidCursor();
  const value = SORT_VALUE[type].safeParse(parsed.data.s);
  if (!value.success) throw invalidCursor();
  return { sortKey, sortValue: value.data, id: parsed.data.i };
}
