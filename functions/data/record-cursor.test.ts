import { describe, expect, it } from 'vitest';

import { isAppError } from '../../shared/errors/app-error.js';
import { decodeCursor, encodeCursor, listScopeOf } from './record-cursor.js';

/** The issues a decode refuses with, or the decoded cursor. */
function decoded(text: string, scope: string): unknown {
  try {
    return decodeCursor(text, { sortKey: 'actionDate', type: 'date', scope });
  } catch (error) {
    return isAppError(error) ? error.details.issues : error;
  }
}

describe('list cursors', () => {
  const scope = listScopeOf('contract-transactions', { fiscalYear: 2020 });

  it.each(['2017-02-30', '2017-13-01', '0000-01-01', '9999-99-99'])(
    'refuses a date cursor naming %s, a day no calendar has, before any store sees it',
    (day) => {
      const text = encodeCursor({ sortKey: 'actionDate', scope, sortValue: day, id: 1 });
      expect(decoded(text, scope)).toEqual([
        { location: 'query', path: 'cursor', rule: 'invalid_cursor' },
      ]);
    },
  );

  it('takes back a real day, a leap day included, in the list that made it', () => {
    for (const day of ['2020-03-31', '2016-02-29']) {
      const text = encodeCursor({ sortKey: 'actionDate', scope, sortValue: day, id: 7 });
      expect(decoded(text, scope)).toEqual({ sortKey: 'actionDate', scope, sortValue: day, id: 7 });
    }
  });

  it('binds the filters, not the page size or the sort', () => {
    const list = (query: object) => listScopeOf('contract-transactions', query);
    expect(list({ fiscalYear: 2020, limit: 5, sort: '-actionDate' })).toBe(scope);
    expect(list({ fiscalYear: 2021 })).not.toBe(scope);
    expect(list({ fiscalYear: 2020, q: 'bridge' })).not.toBe(scope);
    expect(listScopeOf('contracts', { fiscalYear: 2020 })).not.toBe(scope);
  });
});
