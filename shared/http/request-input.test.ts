import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { AppError } from '../errors/app-error.js';
import { HttpRequest } from '../runtime/functions-runtime.js';
import { parsePart, readQuery } from './request-input.js';

const Body = z.object({ note: z.string() }).strict();

/** The issues a refusal lists, or a failure when nothing was refused. */
function issuesOf(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return error.details.issues;
    throw error;
  }
  throw new Error('nothing was refused');
}

const query = (search: string) =>
  readQuery(new HttpRequest({ method: 'GET', url: `http://localhost/api/x?${search}` }));

const SECRET = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('request input refusals', () => {
  it('name an unknown key back when it is a plain name', () => {
    expect(issuesOf(() => parsePart('body', Body, { note: 'x', nmae: 1 }))).toEqual([
      { location: 'body', path: 'nmae', rule: 'unrecognized_key' },
    ]);
    expect(issuesOf(() => query('limit=1&limit=2'))).toEqual([
      { location: 'query', path: 'limit', rule: 'repeated' },
    ]);
  });

  it.each(['530196932', '12-3456789', 'ein530196932', '4111111111111111', '12345678', SECRET])(
    'never name back a key that reads as a tax id, a number or a credential: %s',
    (key) => {
      expect(issuesOf(() => parsePart('body', Body, { note: 'x', [key]: 1 }))).toEqual([
        { location: 'body', path: '', rule: 'unrecognized_key' },
      ]);
      expect(issuesOf(() => query(`${key}=1&${key}=2`))).toEqual([
        { location: 'query', path: '', rule: 'repeated' },
      ]);
    },
  );
});
