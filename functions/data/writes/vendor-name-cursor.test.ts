import { describe, expect, it } from 'vitest';

import { idOf, pageOf } from '../../../test/support/response-body.js';
import { useWriteHost } from './test-support/write-host.js';

/**
 * A cursor carries the last item's sort value, so a list sorted by a long name hands out a long
 * cursor; the list must take back every cursor it hands out.
 */
describe('paging vendors by a name as long as a write allows', () => {
  const w = useWriteHost();

  it.each(['name', '-name'])('pages through every DC vendor sorted by %s', async (sort) => {
    const names = ['中'.repeat(300), '"'.repeat(300), '\\'.repeat(300), '😀'.repeat(150)];
    const created: number[] = [];
    for (const name of names) {
      const response = await w.post('/api/v1/vendors', w.vendorBody({ name }));
      expect(response.status).toBe(201);
      created.push(idOf(response));
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const after = cursor === null ? '' : `&cursor=${cursor}`;
      const path = `/api/v1/vendors?division=DC&sort=${sort}&limit=1${after}`;
      const response = await w.t.request('GET', path, { token: w.manager });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      const page = pageOf(response);
      seen.push(...page.items.map((item) => Number(item['id'])));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(expect.arrayContaining(created));
    expect(new Set(seen).size).toBe(seen.length);
  });
});
