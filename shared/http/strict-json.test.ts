import { describe, expect, it } from 'vitest';

import { AppError } from '../errors/app-error.js';
import { parseStrictJson } from './strict-json.js';

/** The rule a body is refused under, or `accepted`. */
function ruleOf(text: string): string {
  try {
    parseStrictJson(text);
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const issues = (error as AppError).details.issues as { rule: string }[] | undefined;
    return issues?.[0]?.rule ?? (error as AppError).code;
  }
}

describe('parseStrictJson numbers', () => {
  it.each([
    ['an integer', '445873'],
    ['a negative amount with cents', '-1234.56'],
    ['a decimal with trailing zeros', '100.10'],
    ['zero and negative zero', '[0, -0, 0.0]'],
    ['a fraction binary cannot hold exactly', '0.1'],
    ['an exponent', '1.5e-7'],
    ['the same number spelled with an exponent', '1.001E2'],
    ['the largest safe integer', '9007199254740991'],
    ['an integer past 2^53 in its shortest form', '1152921504606847000'],
    ['numbers inside strings, keys and arrays', '{"a1": "445873.0000000000000001", "b": [1, 2.5]}'],
  ])('accepts %s', (_case, text) => {
    expect(ruleOf(text)).toBe('accepted');
  });

  it.each([
    ['a fraction rounded away', '{"contractId": 445873.0000000000000001}'],
    ['an integer past double precision', '{"amount": 9007199254740993}'],
    ['more digits than a double holds', '[0.10000000000000000001]'],
    ['a number that overflows', '{"amount": 1e400}'],
    ['a number that underflows to zero', '{"amount": 1e-400}'],
    ['an exact integer past 2^53 not in its shortest form', '[1152921504606846976]'],
  ])('refuses %s as imprecise_number', (_case, text) => {
    expect(ruleOf(text)).toBe('imprecise_number');
  });

  it('refuses a long literal at once, however its digits are arranged', () => {
    const zeros = '0'.repeat(250_000);
    for (const literal of [`1.${zeros}1`, `1${zeros}1`, `0.${zeros}`, `1${zeros}`]) {
      const started = performance.now();
      expect(ruleOf(`{"x":${literal}}`)).toBe('imprecise_number');
      // Linear work: a quarter of a megabyte is read in milliseconds, not seconds.
      expect(performance.now() - started).toBeLessThan(1000);
    }
    // 1e-61 in 63 characters reads as written; in 73 it is over the length limit.
    expect(ruleOf(`[0.${'0'.repeat(60)}1]`)).toBe('accepted');
    expect(ruleOf(`[0.${'0'.repeat(70)}1]`)).toBe('imprecise_number');
  });

  it('still refuses duplicate keys and malformed text first', () => {
    expect(ruleOf('{"a": 1, "a": 2}')).toBe('duplicate_key');
    expect(ruleOf('{"a": 01}')).toBe('HTTP_INVALID_JSON');
  });
});
