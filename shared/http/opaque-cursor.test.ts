import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { isAppError } from '../errors/app-error.js';
import { decodeOpaqueCursor, encodeOpaqueCursor } from './opaque-cursor.js';

const BodySchema = z.object({ v: z.literal(1), n: z.number().int() }).strict();

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('opaque cursors', () => {
  it('round-trips a body through base64url JSON', () => {
    const text = encodeOpaqueCursor({ v: 1, n: 7 });
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeOpaqueCursor(text, BodySchema, 100)).toEqual({ v: 1, n: 7 });
  });

  it.each([
    ['an empty cursor', ''],
    ['a cursor longer than the cap', encodeOpaqueCursor({ v: 1, n: 10 ** 15 })],
    ['characters outside base64url', 'not a cursor'],
    ['base64url that is not JSON', Buffer.from('{v:1', 'utf8').toString('base64url')],
    ['JSON of another shape', encodeOpaqueCursor({ v: 2, n: 7 })],
    ['a repeated key', Buffer.from('{"v":1,"n":9,"n":7}', 'utf8').toString('base64url')],
    ['reordered keys', Buffer.from('{"n":7,"v":1}', 'utf8').toString('base64url')],
    ['spacing', Buffer.from('{"v":1, "n":7}', 'utf8').toString('base64url')],
    ['an escaped key', Buffer.from('{"\\u0076":1,"n":7}', 'utf8').toString('base64url')],
    ['a number in another form', Buffer.from('{"v":1,"n":7.0}', 'utf8').toString('base64url')],
    ['other padding bits', `${encodeOpaqueCursor({ v: 1, n: 7 }).slice(0, -1)}R`],
  ])('refuses %s with 400 VALIDATION_FAILED at query cursor', (_case, text) => {
    const error = errorOf(() => decodeOpaqueCursor(text, BodySchema, 20));
    expect(isAppError(error) && [error.code, error.status, error.details]).toEqual([
      'VALIDATION_FAILED',
      400,
      { issues: [{ location: 'query', path: 'cursor', rule: 'invalid_cursor' }] },
    ]);
  });
});
