import { createHash } from 'node:crypto';

import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { fieldsOf, idOf, problemOf } from '../../../test/support/response-body.js';
import { SQL_TEXT, useWriteHost } from './test-support/write-host.js';

describe('vendor writes and idempotency keys on the local host', () => {
  const w = useWriteHost();
  const { nextDuns, owner, changeEvents, obligationBody, vendorBody, post, patch } = w;

  describe('vendors', () => {
    it('creates a vendor in the division of its state and reads it back', async () => {
      const body = vendorBody({ name: SQL_TEXT, countyName: "Prince George's; --" });
      const response = await post('/api/v1/vendors', body);
      expect(response.status).toBe(201);
      const id = idOf(response);
      expect(response.headers.get('etag')).toBe(`"${id}-1"`);
      expect(response.headers.get('location')).toBe(`/api/v1/vendors/${id}`);
      expect(response.body).toMatchObject({ division: 'DC', name: SQL_TEXT, duns: body.duns });
      const read = await w.t.request('GET', `/api/v1/vendors/${id}`, { token: w.manager });
      expect(fieldsOf(read)['name']).toBe(SQL_TEXT);
      expect(fieldsOf(read)['countyName']).toBe("Prince George's; --");
      const [count] = await owner<{ count: number }>(sql`SELECT count(*)::int AS count FROM vendors
        WHERE name = ${SQL_TEXT}`);
      expect(count?.count).toBe(1);
    });

    it('refuses a vendor in a division the caller does not hold, writing nothing', async () => {
      const body = vendorBody({ state: 'MD' });
      const response = await post('/api/v1/vendors', body);
      expect(response.status).toBe(403);
      expect(problemOf(response).code).toBe('AUTH_FORBIDDEN');
      const rows = await owner(sql`SELECT id FROM vendors WHERE duns = ${body.duns}`);
      expect(rows).toEqual([]);
    });

    it('refuses a second vendor with the same DUNS as 409', async () => {
      const body = vendorBody();
      expect((await post('/api/v1/vendors', body)).status).toBe(201);
      const again = await post('/api/v1/vendors', { ...body, name: 'Another name' });
      expect(again.status).toBe(409);
      expect(problemOf(again).code).toBe('DATA_CONFLICT');
    });

    it('updates a vendor, then refuses the stale tag as 412 with the row unchanged', async () => {
      const created = await post('/api/v1/vendors', vendorBody());
      const id = idOf(created);
      const etag = created.headers.get('etag') ?? '';
      const updated = await patch(
        `/api/v1/vendors/${id}`,
        { zip5: null, name: 'Renamed' },
        {
          'if-match': etag,
        },
      );
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name: 'Renamed', zip5: null });
      expect(updated.headers.get('etag')).toBe(`"${id}-2"`);
      const stale = await patch(
        `/api/v1/vendors/${id}`,
        { name: 'Lost update' },
        {
          'if-match': etag,
        },
      );
      expect(stale.status).toBe(412);
      const [row] = await owner<{ name: string; row_version: number }>(
        sql`SELECT name, row_version FROM vendors WHERE id = ${id}`,
      );
      expect(row).toEqual({ name: 'Renamed', row_version: 2 });
    });

    it('answers a read by id with the version’s ETag, which an update then names', async () => {
      const created = await post('/api/v1/vendors', vendorBody());
      const id = idOf(created);
      const path = `/api/v1/vendors/${id}`;
      const read = await w.t.request('GET', path, { token: w.manager });
      expect(read.headers.get('etag')).toBe(created.headers.get('etag'));
      const updated = await patch(path, { name: 'Read first' }, { 'if-match': `"${id}-1"` });
      expect(updated.status).toBe(200);
      const reread = await w.t.request('GET', path, { token: w.manager });
      expect(reread.headers.get('etag')).toBe(`"${id}-2"`);
      expect(reread.headers.get('etag')).toBe(updated.headers.get('etag'));
      // A record EDS does not write has no version to name.
      const [award] = await owner<{ id: number }>(
        sql`SELECT id FROM awards WHERE division = 'DC' LIMIT 1`,
      );
      const awardRead = await w.t.request('GET', `/api/v1/awards/${award?.id}`, {
        token: w.manager,
      });
      expect(awardRead.status).toBe(200);
      expect(awardRead.headers.get('etag')).toBeNull();
    });

    it('refuses to change a vendor’s DUNS or state', async () => {
      const created = await post('/api/v1/vendors', vendorBody());
      const headers = { 'if-match': created.headers.get('etag') ?? '' };
      for (const body of [{ duns: nextDuns() }, { state: 'DC' }]) {
        const response = await patch(`/api/v1/vendors/${idOf(created)}`, body, headers);
        expect(response.status).toBe(400);
      }
    });
  });

  describe('idempotency keys', () => {
    it('replays the first response to a retried create and writes one row', async () => {
      const key = `retry-${nextDuns()}`;
      const body = obligationBody({ description: `idempotent ${key}` });
      const first = await post('/api/v1/obligations', body, { 'idempotency-key': key });
      const second = await post('/api/v1/obligations', body, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(second.headers.get('location')).toBe(first.headers.get('location'));
      expect(second.headers.get('idempotency-replayed')).toBe('true');
      expect(first.headers.get('idempotency-replayed')).toBeNull();
      const rows = await owner(sql`SELECT id FROM contract_transactions
        WHERE description = ${body.description}`);
      expect(rows).toHaveLength(1);
      expect(await changeEvents(second.headers.get('x-correlation-id') ?? '')).toEqual([]);
    });

    it('keeps a key as its digest, never as sent, and still replays it', async () => {
      const key = `eyJhbGciOiJIUzI1NiJ9.${nextDuns()}.not-for-the-table`;
      const body = obligationBody({ description: `digest ${key}` });
      const first = await post('/api/v1/obligations', body, { 'idempotency-key': key });
      const second = await post('/api/v1/obligations', body, { 'idempotency-key': key });
      expect(second.headers.get('idempotency-replayed')).toBe('true');
      expect(second.body).toEqual(first.body);
      const digest = createHash('sha256').update(key).digest('hex');
      const rows = await owner<{ key: string }>(sql`SELECT key FROM idempotency_keys
        WHERE key IN (${key}, ${digest})`);
      expect(rows).toEqual([{ key: digest }]);
    });

    it('replays the first body byte for byte, for a create and an update', async () => {
      const replayed = ['etag', 'location', 'content-type'] as const;
      const key = `bytes-${nextDuns()}`;
      const body = obligationBody({ description: `byte for byte ${key}` });
      const first = await post('/api/v1/obligations', body, { 'idempotency-key': key });
      const second = await post('/api/v1/obligations', body, { 'idempotency-key': key });
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.headers.get('idempotency-replayed')).toBe('true');
      expect(Buffer.from(second.text, 'utf8')).toEqual(Buffer.from(first.text, 'utf8'));
      for (const name of replayed) {
        expect(second.headers.get(name), name).toBe(first.headers.get(name));
      }

      const vendor = await post('/api/v1/vendors', vendorBody());
      const update = { name: 'Replayed Paving 東京 👩\u200D💻', zip5: null };
      const etag = vendor.headers.get('etag') ?? '';
      const headers = { 'if-match': etag, 'idempotency-key': `${key}-update` };
      const updated = await patch(`/api/v1/vendors/${idOf(vendor)}`, update, headers);
      const again = await patch(`/api/v1/vendors/${idOf(vendor)}`, update, headers);
      expect([updated.status, again.status]).toEqual([200, 200]);
      expect(again.headers.get('idempotency-replayed')).toBe('true');
      expect(again.text).toBe(updated.text);
      expect(again.headers.get('etag')).toBe(updated.headers.get('etag'));
    });

    it('creates one vendor when the same keyed request arrives five times at once', async () => {
      const key = `burst-${nextDuns()}`;
      const body = vendorBody();
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => post('/api/v1/vendors', body, { 'idempotency-key': key })),
      );
      expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
      expect(new Set(responses.map((response) => idOf(response))).size).toBe(1);
      const rows = await owner(sql`SELECT id FROM vendors WHERE duns = ${body.duns}`);
      expect(rows).toHaveLength(1);
    });

    it('refuses the same key with a different body as 422, writing nothing', async () => {
      const key = `mismatch-${nextDuns()}`;
      const first = await post('/api/v1/vendors', vendorBody(), { 'idempotency-key': key });
      expect(first.status).toBe(201);
      const other = vendorBody();
      const second = await post('/api/v1/vendors', other, { 'idempotency-key': key });
      expect(second.status).toBe(422);
      expect(problemOf(second).code).toBe('DATA_IDEMPOTENCY_MISMATCH');
      expect(await owner(sql`SELECT id FROM vendors WHERE duns = ${other.duns}`)).toEqual([]);
    });

    it('keeps keys per principal: another w.manager’s same key is a new request', async () => {
      const key = `shared-${nextDuns()}`;
      const colleague = await w.t.token(['EDS.Manager'], ['DC'], {
        objectId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      });
      const mine = await post('/api/v1/vendors', vendorBody(), { 'idempotency-key': key });
      const theirs = await w.t.request('POST', '/api/v1/vendors', {
        token: colleague,
        json: vendorBody(),
        headers: { 'idempotency-key': key },
      });
      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(idOf(theirs)).not.toBe(idOf(mine));
    });

    it('replays nothing to a caller who has lost the record’s division since', async () => {
      const objectId = '4d3c2b1a-0f9e-4d8c-9b7a-6f5e4d3c2b1a';
      const both = await w.t.token(['EDS.Manager'], ['DC', 'VA'], { objectId });
      const dcOnly = await w.t.token(['EDS.Manager'], ['DC'], { objectId });
      const key = `lost-${nextDuns()}`;
      const body = obligationBody({ contractId: w.vaContractId, description: `replay ${key}` });
      const send = (token: string) =>
        w.t.request('POST', '/api/v1/obligations', {
          token,
          json: body,
          headers: { 'idempotency-key': key },
        });
      const first = await send(both);
      expect(first.status).toBe(201);
      expect(fieldsOf(first)['division']).toBe('VA');
      const refused = await send(dcOnly);
      expect(refused.status).toBe(404);
      expect(problemOf(refused).code).toBe('DATA_NOT_FOUND');
      expect(refused.text).not.toContain(body.description);
      const rows = await owner(sql`SELECT id FROM contract_transactions
        WHERE description = ${body.description}`);
      expect(rows).toHaveLength(1);
      const again = await send(both);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotency-replayed')).toBe('true');
      expect(again.text).toBe(first.text);
    });

    it('replays a retried update instead of failing it as stale', async () => {
      const created = await post('/api/v1/vendors', vendorBody());
      const headers = {
        'if-match': created.headers.get('etag') ?? '',
        'idempotency-key': `update-${nextDuns()}`,
      };
      const path = `/api/v1/vendors/${idOf(created)}`;
      const first = await patch(path, { name: 'Once' }, headers);
      const retry = await patch(path, { name: 'Once' }, headers);
      expect([first.status, retry.status]).toEqual([200, 200]);
      expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(retry.headers.get('idempotency-replayed')).toBe('true');
    });

    it('does not store a failed request under its key, so the retry runs again', async () => {
      const key = `failed-${nextDuns()}`;
      const body = obligationBody({ contractId: w.vaContractId });
      const first = await post('/api/v1/obligations', body, { 'idempotency-key': key });
      expect(first.status).toBe(404);
      const fixed = await post('/api/v1/obligations', obligationBody(), { 'idempotency-key': key });
      expect(fixed.status).toBe(201);
      expect(fixed.headers.get('idempotency-replayed')).toBeNull();
    });

    it.each([
      ['too long', 'k'.repeat(129)],
      ['with a space', 'two words'],
      ['with non-ASCII', 'clé'],
    ])('refuses an Idempotency-Key %s as 400', async (_label, key) => {
      const response = await post('/api/v1/vendors', vendorBody(), { 'idempotency-key': key });
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toEqual([
        { location: 'header', path: 'idempotency-key', rule: 'invalid_format' },
      ]);
    });
  });
});
