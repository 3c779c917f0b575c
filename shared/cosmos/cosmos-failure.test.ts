import { describe, expect, it } from 'vitest';

import { AppError } from '../errors/app-error.js';
import { isRecordMissing, toCosmosFailure } from './cosmos-failure.js';

describe('toCosmosFailure', () => {
  it.each([
    [{ code: 404 }, 'DATA_NOT_FOUND', 404],
    [{ code: 404, substatus: 1003 }, 'STORE_UNAVAILABLE', 503],
    [{ code: 409 }, 'DATA_CONFLICT', 409],
    [{ code: 412 }, 'DATA_PRECONDITION_FAILED', 412],
    [{ code: 429, retryAfterInMs: 50 }, 'STORE_UNAVAILABLE', 503],
    [{ code: 403 }, 'STORE_UNAVAILABLE', 503],
    [{ code: 'ECONNREFUSED' }, 'STORE_UNAVAILABLE', 503],
    [new Error('boom'), 'STORE_UNAVAILABLE', 503],
  ])('maps %o to %s', (error, code, status) => {
    expect(toCosmosFailure('read document', error)).toMatchObject({ code, status });
  });

  it('names the operation and status but no id or query, and keeps the cause', () => {
    const cause = Object.assign(new Error('Entity with id md-secret not found'), { code: 404 });
    const failure = toCosmosFailure('read document', cause);

    expect(failure.message).toBe('Cosmos DB read document failed: HTTP 404');
    expect(failure.cause).toBe(cause);
    expect(failure.publicMessage).toBeUndefined();
  });

  it('passes an AppError through unchanged', () => {
    const error = new AppError('DATA_NOT_FOUND', 'x');

    expect(toCosmosFailure('read document', error)).toBe(error);
  });
});

describe('isRecordMissing', () => {
  it('tells a missing record from a missing container', () => {
    expect(isRecordMissing(404, undefined)).toBe(true);
    expect(isRecordMissing(404, 0)).toBe(true);
    expect(isRecordMissing(404, 1003)).toBe(false);
    expect(isRecordMissing(200, undefined)).toBe(false);
  });
});
