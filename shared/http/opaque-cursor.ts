/**
 * Opaque paging cursors: base64url of a JSON body that a caller hands back unchanged. Each
 * cursor kind owns the body's schema and its compatibility notice; this module owns only the
 * encoding and the one error every bad cursor answers with.
 */
import { createHash } from 'node:crypto';

import { z } from 'zod';

import { canonicalJson } from '../crypto/canonical-json.js';
import { AppError } from '../errors/app-error.js';

/** Characters of a cursor scope: 96 bits of SHA-256, base64url. */
const SCOPE_LENGTH = 16;

/** A cursor body's `f`: the scope {@link cursorScopeOf} made. */
export const CursorScopeSchema = z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${SCOPE_LENGTH}}$`));

/**
 * What a cursor is bound to (a list's resource and filters, a search's words), as a short digest
 * of `binding`'s canonical JSON: a cursor handed back with another binding is not taken.
 */
export function cursorScopeOf(binding: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(binding))
    .digest('base64url')
    .slice(0, SCOPE_LENGTH);
}

/** The error for any cursor that cannot be used: 400 VALIDATION_FAILED at query `cursor`. */
export function invalidCursorError(cause?: unknown): AppError {
  return new AppError('VALIDATION_FAILED', 'invalid cursor', {
    details: { issues: [{ location: 'query', path: 'cursor', rule: 'invalid_cursor' }] },
    cause,
  });
}

/** Encodes a cursor body as base64url JSON. */
export function encodeOpaqueCursor(body: unknown): string {
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeOpaqueCursor} and parses its body with `schema`. Only
 * the exact text the encoder makes of the parsed body is taken back: a cursor with its keys
 * repeated or reordered, other spacing or escapes, or other base64url padding bits for the same
 * body was not made here.
 *
 * @throws AppError VALIDATION_FAILED (400, path `cursor`) when the text is longer than
 * `maxLength`, is not base64url JSON, does not match `schema`, or is not the encoder's text.
 */
export function decodeOpaqueCursor<T extends z.ZodType>(
  text: string,
  schema: T,
  maxLength: number,
): z.output<T> {
  if (text.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalidCursorError();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch (cause) {
    throw invalidCursorError(cause);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success || encodeOpaqueCursor(parsed.data) !== text) throw invalidCursorError();
  return parsed.data;
}
