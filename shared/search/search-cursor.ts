/**
 * Opaque search cursors. Compatibility: clients hold these between requests; version 1 is
 * base64url JSON `{ v: 1, o: offset }`, the number of hits already returned.
 */
import { z } from 'zod';

import { decodeOpaqueCursor, encodeOpaqueCursor } from '../http/opaque-cursor.js';

/**
 * How deep a caller may page.
 *
 * LIMITATION: search pages by offset, not keyset, so a caller sees at most this many hits for
 * one query; narrow the words or the resources to reach the rest.
 */
export const MAX_SEARCH_OFFSET = 500;

const CursorSchema = z
  .object({ v: z.literal(1), o: z.number().int().min(1).max(MAX_SEARCH_OFFSET) })
  .strict();

/** The cursor of the page after `offset` hits, or null when paging would go past the cap. */
export function encodeSearchCursor(offset: number): string | null {
  if (offset > MAX_SEARCH_OFFSET) return null;
  return encodeOpaqueCursor({ v: 1, o: offset });
}

/**
 * The offset a cursor resumes at; 0 without a cursor.
 *
 * @throws AppError VALIDATION_FAILED (path `cursor`) when the text is not a v1 search cursor.
 */
export function decodeSearchCursor(text: string | undefined): number {
  if (text === undefined) return 0;
  return decodeOpaqueCursor(text, CursorSchema, 200).o;
}
