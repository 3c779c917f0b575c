import { describe, expect, it } from 'vitest';

import { AppError } from './app-error.js';
import { ERROR_STATUS, type ErrorCode } from './error-codes.js';
import { errorCodeOf } from './error-code.js';

function withCode(code: unknown): Error {
  return Object.assign(new Error('boom'), { code });
}

describe('errorCodeOf', () => {
  it('returns every AppError code unchanged', () => {
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      expect(errorCodeOf(new AppError(code, 'test'))).toBe(code);
    }
  });

  it.each(['23505', 'ENOENT', 'ECONNREFUSED', '57P01', 'ERR_JWT_EXPIRED'])(
    'returns the safe driver or Node code %s',
    (code) => {
      expect(errorCodeOf(withCode(code))).toBe(code);
    },
  );

  it.each([
    ['a code over 40 characters', 'A'.repeat(41)],
    ['a lower-case code', 'enoent'],
    ['a code with spaces', 'password authentication failed'],
    ['a code with punctuation', 'ERR:token=abc'],
    ['an empty code', ''],
    ['a numeric code', 23505],
    ['an object code', { value: 'ENOENT' }],
  ])('returns UNKNOWN for %s', (_case, code) => {
    expect(errorCodeOf(withCode(code))).toBe('UNKNOWN');
  });

  it.each([
    ['an error without a code', new Error('boom')],
    ['undefined', undefined],
    ['null', null],
    ['a string', 'ENOENT'],
    ['a number', 42],
  ])('returns UNKNOWN for %s', (_case, thrown) => {
    expect(errorCodeOf(thrown)).toBe('UNKNOWN');
  });
});
