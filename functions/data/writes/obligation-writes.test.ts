import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { idOf, problemOf } from '../../../test/support/response-body.js';
import { SQL_TEXT, useWriteHost } from './test-support/write-host.js';

describe('obligation writes on the local host', () => {
  const w = useWriteHost();
  const { owner, changeEvents, relayRows, obligationBody, post, patch } = w;

  describe('obligations', () => {
    it('creates an obligation: 201, ETag, Location and the contract’s division', async () => {
      const response = await post('/api/v1/obligations', obligationBody());
      expect(response.status).toBe(201);
      const id = idOf(response);
      expect(id).toBeGreaterThanOrEqual(1_000_000_000);
      expect(response.headers.get('etag')).toBe(`"${id}-1"`);
      expect(response.headers.get('location')).toBe(`/api/v1/contract-transactions/${id}`);
      expect(response.body).toMatchObject({
        division: 'DC',
        contractId: w.dcContractId,
        fiscalYear: 2027,
        federalActionObligation: '125000.50',
      });
      const read = await w.t.request('GET', response.headers.get('location') ?? '', {
        token: w.manager,
      });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(response.body);
      expect(read.headers.get('etag')).toBe(`"${id}-1"`);
    });

    it('finds an obligation of the last fiscal year a record date reaches (2101)', async () => {
      const lastDay = obligationBody({ actionDate: '2100-12-31' });
      const created = await post('/api/v1/obligations', lastDay);
      expect(created.body).toMatchObject({ fiscalYear: 2101 });
      const list = await w.t.request('GET', '/api/v1/contract-transactions?fiscalYear=2101', {
        token: w.manager,
      });
      expect(list.status).toBe(200);
      expect(JSON.stringify(list.body)).toContain(`"id":${idOf(created)}`);
      const beyond = await w.t.request('GET', '/api/v1/contract-transactions?fiscalYear=2102', {
        token: w.manager,
      });
      expect(beyond.status).toBe(400);
    });

    it('updates an obligation with the right If-Match, bumping the ETag', async () => {
      const created = await post('/api/v1/obligations', obligationBody());
      const id = idOf(created);
      const response = await patch(
        `/api/v1/obligations/${id}`,
        { federalActionObligation: '-2500', actionDate: '2027-03-31' },
        { 'if-match': created.headers.get('etag') ?? '' },
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe(`"${id}-2"`);
      expect(response.body).toMatchObject({
        federalActionObligation: '-2500.00',
        fiscalYear: 2027,
      });
      const [row] = await owner<{ row_version: number; federal_action_obligation: string }>(
        sql`SELECT row_version, federal_action_obligation FROM contract_transactions
          WHERE id = ${id}`,
      );
      expect(row).toEqual({ row_version: 2, federal_action_obligation: '-2500.00' });
    });

    it('refuses a stale If-Match with 412 and leaves the row and the relay untouched', async () => {
      const created = await post('/api/v1/obligations', obligationBody());
      const id = idOf(created);
      const stale = created.headers.get('etag') ?? '';
      const first = await patch(
        `/api/v1/obligations/${id}`,
        { description: 'first' },
        {
          'if-match': stale,
        },
      );
      expect(first.status).toBe(200);
      const second = await patch(
        `/api/v1/obligations/${id}`,
        { description: 'second' },
        {
          'if-match': stale,
        },
      );
      expect(second.status).toBe(412);
      expect(problemOf(second).code).toBe('DATA_PRECONDITION_FAILED');
      expect(second.headers.get('content-type')).toBe('application/problem+json');
      const [row] = await owner<{ description: string; row_version: number }>(
        sql`SELECT description, row_version FROM contract_transactions WHERE id = ${id}`,
      );
      expect(row).toEqual({ description: 'first', row_version: 2 });
      expect(await changeEvents(second.headers.get('x-correlation-id') ?? '')).toEqual([]);
      expect(await relayRows()).toBe(0);
    });

    it('refuses an update without If-Match, or with *, as 428', async () => {
      const created = await post('/api/v1/obligations', obligationBody());
      const path = `/api/v1/obligations/${idOf(created)}`;
      const cases = [
        [{}, 'Send If-Match with the ETag of the version you are updating.'],
        [{ 'if-match': '*' }, 'If-Match: * names no version; send the ETag of the version'],
      ] as const;
      for (const [headers, detail] of cases) {
        const response = await patch(path, { description: 'no precondition' }, headers);
        expect(response.status).toBe(428);
        expect(problemOf(response).code).toBe('DATA_PRECONDITION_REQUIRED');
        expect(problemOf(response).detail).toContain(detail);
      }
    });

    it.each([
      ['a weak tag', (id: number) => `W/"${id}-1"`],
      ['the tag of another record', (id: number) => `"${id + 1}-1"`],
    ])('treats %s in If-Match as a mismatch (412)', async (_label, tagOf) => {
      const created = await post('/api/v1/obligations', obligationBody());
      const id = idOf(created);
      const response = await patch(
        `/api/v1/obligations/${id}`,
        { description: 'x' },
        {
          'if-match': tagOf(id),
        },
      );
      expect(response.status).toBe(412);
    });

    it('accepts a list of tags in If-Match when one names the current version', async () => {
      const created = await post('/api/v1/obligations', obligationBody());
      const id = idOf(created);
      const response = await patch(
        `/api/v1/obligations/${id}`,
        { description: 'listed' },
        {
          'if-match': `"${id}-7", ${created.headers.get('etag')}`,
        },
      );
      expect(response.status).toBe(200);
    });

    it('refuses a malformed If-Match as 400 naming the header', async () => {
      const response = await patch(
        '/api/v1/obligations/1',
        { description: 'x' },
        {
          'if-match': 'not-a-tag',
        },
      );
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toEqual([
        { location: 'header', path: 'if-match', rule: 'invalid_format' },
      ]);
    });

    it('hides a VA contract from a DC w.manager: 404, no row, the contract audited', async () => {
      const [before] = await owner<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM contract_transactions
          WHERE contract_id = ${w.vaContractId}`,
      );
      const response = await post(
        '/api/v1/obligations',
        obligationBody({ contractId: w.vaContractId }),
      );
      expect(response.status).toBe(404);
      expect(problemOf(response).code).toBe('DATA_NOT_FOUND');
      expect(response.text).not.toContain(String(w.vaContractId));
      const [after] = await owner<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM contract_transactions
          WHERE contract_id = ${w.vaContractId}`,
      );
      expect(after).toEqual(before);
      const correlationId = response.headers.get('x-correlation-id') ?? 'none';
      const [event] = await w.t.auditEvents({ type: 'http.request', correlationId });
      expect(event).toMatchObject({
        status: 404,
        outcome: 'failure',
        resource: `contracts/${w.vaContractId}`,
      });
    });

    it('hides a VA obligation from a DC w.manager on update: 404 and unchanged', async () => {
      const [row] = await owner<{ id: number; row_version: number; description: string }>(
        sql`SELECT id, row_version, description FROM contract_transactions
          WHERE division = 'VA' ORDER BY id LIMIT 1`,
      );
      const id = row?.id ?? 0;
      const response = await patch(
        `/api/v1/obligations/${id}`,
        { description: 'taken over' },
        {
          'if-match': `"${id}-1"`,
        },
      );
      expect(response.status).toBe(404);
      const [after] = await owner<{ id: number; row_version: number; description: string }>(
        sql`SELECT id, row_version, description FROM contract_transactions WHERE id = ${id}`,
      );
      expect(after).toEqual(row);
    });

    it('refuses a division in the body: the division is always the contract’s', async () => {
      const response = await post('/api/v1/obligations', obligationBody({ division: 'VA' }));
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toContainEqual({
        location: 'body',
        path: 'division',
        rule: 'unrecognized_key',
      });
    });

    it('stores SQL metacharacters in every obligation text field verbatim', async () => {
      const body = obligationBody({ modificationNumber: "P'; --", description: SQL_TEXT });
      const response = await post('/api/v1/obligations', body);
      expect(response.status).toBe(201);
      const [row] = await owner<{ modification_number: string; description: string }>(
        sql`SELECT modification_number, description FROM contract_transactions
          WHERE id = ${idOf(response)}`,
      );
      expect(row).toEqual({ modification_number: "P'; --", description: SQL_TEXT });
    });
  });
});
