/**
 * Opaque search cursors. Compatibility: clients hold these between requests; version 1 is
 * base64url JSON `{ v: 1, o: offset }`, the number of hits already returned.
 */
import { z } from 'zod';

import { AppError } from '../errors/app-error.js';

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

function invalidCursor(cause?: unknown): AppError {
  return new AppError('VALIDATION_FAILED', 'invalid search cursor', {
    details: { issues: [{ location: 'query', path: 'cursor', rule: 'invalid_cursor' }] },
    cause,
  });
}

/** The cursor of the page after `offset` hits, or null when paging would go past the cap. */
export function encodeSearchCursor(offset: number): string | null {
  if (offset > MAX_SEARCH_OFFSET) return null;
  return Buffer.from(JSON.stringify({ v: 1, o: offset }), 'utf8').toString('base64url');
}

/**
 * The offset a cursor resumes at; 0 without a cursor.
 *
 * @throws AppError VALIDATION_FAILED (path `cursor`) when the text is not a v1 search cursor.
 */
export function decodeSearchCursor(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) throw invalidCursor();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch (cause) {
    throw invalidCursor(cause);
  }
  const parsed = CursorSchema.safeParse(raw);
  if (!parsed.success) throw invalidCursor();
  return parsed.data.o;
}
