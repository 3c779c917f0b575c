import { AppError } from '../errors/app-error.js';

/** Keys that could reach an object's prototype chain once merged; never legitimate in our API. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface StrictJsonLimits {
  readonly maxDepth: number;
}

const DEFAULT_LIMITS: StrictJsonLimits = { maxDepth: 32 };

/**
 * Parses a JSON request body, rejecting what `JSON.parse` silently accepts: duplicate keys (the
 * last one would win, so two parsers could disagree on one body), prototype-shaped keys, nesting
 * deeper than the limit, and numbers that do not read as written (`1e400` becomes Infinity,
 * `445873.0000000000000001` becomes 445873: the schema would check a number nobody sent).
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
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) {
      NUMBER_LITERAL.lastIndex = i;
      const literal = NUMBER_LITERAL.exec(text)?.[0] ?? ch;
      if (!readsAsWritten(literal)) return 'imprecise_number';
      i += literal.length;
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

/** A JSON number token (RFC 8259 §6), read from `lastIndex`. */
const NUMBER_LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The longest number literal read. A double needs at most 17 significant digits, so a longer
 * literal is padding or precision nobody gets; refusing it also keeps the check's work small.
 */
const MAX_NUMBER_LITERAL = 64;

/**
 * A decimal in one spelling, `<sign><digits>e<exponent>` without leading or trailing zeros
 * (`100.10` and `1.001e2` both read `1001e-1`), so two spellings of one number compare equal.
 * Index walks, not regular expressions, so the time is linear in the literal's length.
 */
function canonicalDecimal(text: string): string {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const exponentAt = body.search(/[eE]/);
  const mantissa = exponentAt === -1 ? body : body.slice(0, exponentAt);
  const exponent = exponentAt === -1 ? 0 : Number(body.slice(exponentAt + 1));
  const point = mantissa.indexOf('.');
  const whole = point === -1 ? mantissa : mantissa.slice(0, point);
  const fraction = point === -1 ? '' : mantissa.slice(point + 1);
  const digits = `${whole}${fraction}`;
  let first = 0;
  while (first < digits.length && digits[first] === '0') first += 1;
  let end = digits.length;
  while (end > first && digits[end - 1] === '0') end -= 1;
  if (end === first) return '0';
  const power = exponent - fraction.length + (digits.length - end);
  return `${negative ? '-' : ''}${digits.slice(first, end)}e${power}`;
}

/**
 * Whether a number literal is the number JavaScript reads from it: finite, and spelled as the
 * shortest form of that double spells it (`0.1` is; `0.10000000000000000001` is not). An exact
 * integer past 2^53 counts only in that shortest form (`1152921504606847000`, not
 * `1152921504606846976`), as `JSON.stringify` writes it.
 */
function readsAsWritten(literal: string): boolean {
  if (literal.length > MAX_NUMBER_LITERAL) return false;
  const value = Number(literal);
  return Number.isFinite(value) && canonicalDecimal(literal) === canonicalDecimal(String(value));
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
