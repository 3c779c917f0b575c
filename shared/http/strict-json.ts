import { AppError } from '../errors/app-error.js';

/** Keys that could reach an object's prototype chain once merged; never legitimate in our API. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface StrictJsonLimits {
  readonly maxDepth: number;
}

const DEFAULT_LIMITS: StrictJsonLimits = { maxDepth: 32 };

/**
 * Parses a JSON request body, rejecting what `JSON.parse` silently accepts: duplicate keys (the
 * last one would win, so two parsers could disagree on one body), prototype-shaped keys, and
 * nesting deeper than the limit.
 *
 * @throws AppError HTTP_INVALID_JSON for malformed text, VALIDATION_FAILED for the rest.
 */
export function parseStrictJson(text: string, limits: StrictJsonLimits = DEFAULT_LIMITS): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new AppError('HTTP_INVALID_JSON', 'request body is not valid JSON', { cause });
  }
  const problem = scanStructure(text, limits.maxDepth);
  if (problem !== undefined) {
    throw new AppError('VALIDATION_FAILED', `request body rejected: ${problem}`, {
      details: { issues: [{ location: 'body', path: '', rule: problem }] },
    });
  }
  return value;
}

type Frame = { kind: 'object'; keys: Set<string>; expectKey: boolean } | { kind: 'array' };

/**
 * Walks already-valid JSON text once. Strings are the only tokens that need care: a key is the
 * string that follows `{` or `,` inside an object.
 */
function scanStructure(text: string, maxDepth: number): string | undefined {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      const end = findStringEnd(text, i);
      const top = stack.at(-1);
      if (top?.kind === 'object' && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (FORBIDDEN_KEYS.has(key)) return 'forbidden_key';
        if (top.keys.has(key)) return 'duplicate_key';
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end + 1;
      continue;
    }
    if (ch === '{' || ch === '[') {
      stack.push(
        ch === '{' ? { kind: 'object', keys: new Set(), expectKey: true } : { kind: 'array' },
      );
      if (stack.length > maxDepth) return 'too_deep';
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack.at(-1);
      if (top?.kind === 'object') top.expectKey = true;
    }
    i += 1;
  }
  return undefined;
}

function findStringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '"') return i;
    i += 1;
  }
  return text.length - 1;
}
