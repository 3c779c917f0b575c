import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { testPrincipal } from '../../../shared/db/test-support/test-database.js';
import { fieldsOf, idOf, pageOf, problemOf } from '../../../test/support/response-body.js';
import { refreshContractTotals, tryLockContract } from './contract-totals.js';
import { runIdempotentWrite } from './run-idempotent-write.js';
import { useWriteHost } from './test-support/write-host.js';

/** A DC contract whose USAspending total counts actions outside the loaded file. */
const CONTRACT_445873 = 445873;

/** Adds two amounts of two decimals exactly, as `numeric(18, 2)` text. */
function plus(a: string, b: string): string {
  const cents = (text: string): bigint => {
    const [whole = '', fraction = ''] = text.replace('-', '').split('.');
    const value = BigInt(whole + fraction.padEnd(2, '0'));
    return text.startsWith('-') ? -value : value;
  };
  const sum = cents(a) + cents(b);
  const digits = (sum < 0n ? -sum : sum).toString().padStart(3, '0');
  return `${sum < 0n ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

function later(a: string, b: string): string {
  return a > b ? a : b;
}

describe('contract totals follow obligation writes', () => {
  const w = useWriteHost();
  const { owner, changeEvents, obligationBody, post, patch } = w;

  async function readContract(id: number, token = w.manager) {
    const response = await w.t.request('GET', `/api/v1/contracts/${id}`, { token });
    expect(response.status).toBe(200);
    const fields = fieldsOf(response);
    return {
      text: response.text,
      total: String(fields['totalObligation']),
      bin: fields['totalObligationBin'],
      first: String(fields['firstActionDate']),
      last: String(fields['lastActionDate']),
    };
  }

  it('adds an obligation to 445873’s USAspending total and date', async () => {
    const before = await readContract(CONTRACT_445873);
    expect(before).toMatchObject({ total: '1099942.12', first: '2017-09-22', last: '2017-09-22' });
    const body = { contractId: CONTRACT_445873, actionDate: '2024-01-02' };
    const created = await post(
      '/api/v1/obligations',
      obligationBody({ ...body, federalActionObligation: '1000.05' }),
    );
    expect(created.status).toBe(201);
    const after = await readContract(CONTRACT_445873);
    expect(after).toMatchObject({
      total: '1100942.17',
      bin: '1M..25M',
      first: '2017-09-22',
      last: '2024-01-02',
    });
  });

  it('recomputes the contract after an update, and when the date moves back', async () => {
    const id = w.dcContractId;
    const before = await readContract(id);
    const body = { contractId: id, actionDate: '2030-05-01', federalActionObligation: '500.00' };
    const created = await post('/api/v1/obligations', obligationBody(body));
    expect(await readContract(id)).toMatchObject({
      total: plus(before.total, '500.00'),
      last: later(before.last, '2030-05-01'),
    });

    const path = `/api/v1/obligations/${idOf(created)}`;
    const changes = { federalActionObligation: '-250.10', actionDate: '2031-02-03' };
    const updated = await patch(path, changes, { 'if-match': created.headers.get('etag') ?? '' });
    expect(updated.status).toBe(200);
    expect(await readContract(id)).toMatchObject({
      total: plus(before.total, '-250.10'),
      first: before.first,
      last: later(before.last, '2031-02-03'),
    });

    const back = { actionDate: '2016-01-04' };
    const moved = await patch(path, back, { 'if-match': updated.headers.get('etag') ?? '' });
    expect(moved.status).toBe(200);
    expect(await readContract(id)).toMatchObject({
      total: plus(before.total, '-250.10'),
      first: '2016-01-04',
      last: before.last,
    });
  });

  it('moves a contract into the next size bucket when its total passes 1M', async () => {
    const [small] = await owner<{ id: number; total: string }>(sql`SELECT id,
      total_obligation AS total FROM contracts
      WHERE division = 'DC' AND total_obligation BETWEEN 0 AND 999999.99 ORDER BY id LIMIT 1`);
    const id = small?.id ?? 0;
    expect((await readContract(id)).bin).toBe('<1M');
    const body = { contractId: id, federalActionObligation: '1000000.00' };
    expect((await post('/api/v1/obligations', obligationBody(body))).status).toBe(201);
    expect(await readContract(id)).toMatchObject({
      total: plus(small?.total ?? '', '1000000.00'),
      bin: '1M..25M',
    });
  });

  describe('a refused write leaves the contract as it was', () => {
    it('on a 400 for a bad amount', async () => {
      const before = await readContract(w.dcContractId);
      const body = obligationBody({ federalActionObligation: '1.005' });
      expect((await post('/api/v1/obligations', body)).status).toBe(400);
      expect((await readContract(w.dcContractId)).text).toBe(before.text);
    });

    it('on a 412 for a stale If-Match', async () => {
      const created = await post('/api/v1/obligations', obligationBody());
      const path = `/api/v1/obligations/${idOf(created)}`;
      const stale = { 'if-match': created.headers.get('etag') ?? '' };
      expect((await patch(path, { description: 'first' }, stale)).status).toBe(200);
      const before = await readContract(w.dcContractId);
      const lost = { federalActionObligation: '99999.99', actionDate: '2099-01-01' };
      expect((await patch(path, lost, stale)).status).toBe(412);
      expect((await readContract(w.dcContractId)).text).toBe(before.text);
    });

    it('when the write fails after the contract was recomputed in its transaction', async () => {
      const before = await readContract(w.dcContractId);
      const request = {
        method: 'POST',
        route: 'v1/obligations',
        params: {},
        body: { probe: 'midway' },
        headers: new Map<string, string>(),
        correlationId: '0c7d1e52-7a43-4b8e-9d2a-5f61c3b8e4a0',
      } as const;
      const principal = testPrincipal(['EDS.Manager'], ['DC']);
      let related: unknown;
      const attempt = runIdempotentWrite(w.t.host.services, principal, request, async (trx) => {
        const locked = await tryLockContract(trx, w.dcContractId);
        if (locked === undefined) throw new Error('contract not visible');
        await trx
          .updateTable('contract_transactions')
          .set({ federal_action_obligation: '123456.78' })
          .where('contract_id', '=', w.dcContractId)
          .execute();
        related = await refreshContractTotals(trx, locked);
        return {
          result: { status: 201, body: {}, headers: {}, resource: 'contract-transactions', id: 0 },
          audit: { action: 'create', afterDigest: 'not-a-digest' },
        };
      });
      await expect(attempt).rejects.toMatchObject({ code: 'INTERNAL' });
      expect(related).toMatchObject({ resource: `contracts/${w.dcContractId}` });
      expect((await readContract(w.dcContractId)).text).toBe(before.text);
    });

    it('on a 400 naming the amount when the total would pass what the store holds', async () => {
      const id = w.dcContractId;
      const untracked = sql<{ untracked: string }>`SELECT untracked_obligation AS untracked
        FROM contracts WHERE id = ${id}`;
      const [saved] = await owner(untracked);
      await owner(sql`UPDATE contracts SET untracked_obligation = 9999999999999000.00
        WHERE id = ${id}`);
      try {
        const before = await readContract(id);
        const body = obligationBody({ contractId: id, federalActionObligation: '9999999999.99' });
        const refused = await post('/api/v1/obligations', body);
        expect(refused.status).toBe(400);
        const rule = 'contract_total_out_of_range';
        expect(problemOf(refused).errors).toEqual([
          { location: 'body', path: 'federalActionObligation', rule },
        ]);
        expect((await readContract(id)).text).toBe(before.text);
      } finally {
        await owner(sql`UPDATE contracts SET untracked_obligation = ${saved?.untracked ?? '0'}
          WHERE id = ${id}`);
      }
    });

    it('on a 404 for a contract of another division', async () => {
      const read = sql<{ total: string; last: string }>`SELECT total_obligation AS total,
        last_action_date::text AS last FROM contracts WHERE id = ${w.vaContractId}`;
      const before = await owner(read);
      const body = obligationBody({ contractId: w.vaContractId, actionDate: '2099-01-01' });
      expect((await post('/api/v1/obligations', body)).status).toBe(404);
      expect(await owner(read)).toEqual(before);
    });
  });

  it('shows another division’s caller nothing of the contract or obligation', async () => {
    const created = await post('/api/v1/obligations', obligationBody());
    const va = await w.t.token(['EDS.Manager', 'EDS.Analyst'], ['VA']);
    const paths = [
      `/api/v1/contracts/${w.dcContractId}`,
      `/api/v1/contract-transactions/${idOf(created)}`,
    ];
    for (const path of paths) {
      expect((await w.t.request('GET', path, { token: va })).status, path).toBe(404);
    }
    const list = await w.t.request('GET', '/api/v1/contracts?limit=100', { token: va });
    expect(pageOf(list).items.map((item) => item['division'])).not.toContain('DC');
    const before = await readContract(w.dcContractId);
    const taken = await w.t.request('PATCH', `/api/v1/obligations/${idOf(created)}`, {
      token: va,
      json: { federalActionObligation: '1.00' },
      headers: { 'if-match': created.headers.get('etag') ?? '' },
    });
    expect(taken.status).toBe(404);
    expect((await readContract(w.dcContractId)).text).toBe(before.text);
  });

  it('audits the contract’s change as its own data.change, digests linked', async () => {
    const resource = `contracts/${w.dcContractId}`;
    const first = await post('/api/v1/obligations', obligationBody());
    const second = await post('/api/v1/obligations', obligationBody());
    const [firstEvents, secondEvents] = await Promise.all(
      [first, second].map((response) =>
        changeEvents(response.headers.get('x-correlation-id') ?? ''),
      ),
    );
    expect(firstEvents?.map((event) => [event['resource'], event['action']])).toEqual([
      [`contract-transactions/${idOf(first)}`, 'create'],
      [resource, 'update'],
    ]);
    const contractEvent = (events: typeof firstEvents) =>
      events?.find((event) => event['resource'] === resource);
    expect(contractEvent(secondEvents)?.['beforeDigest']).toBe(
      contractEvent(firstEvents)?.['afterDigest'],
    );

    const described = await patch(
      `/api/v1/obligations/${idOf(second)}`,
      { description: 'only the text' },
      { 'if-match': second.headers.get('etag') ?? '' },
    );
    const events = await changeEvents(described.headers.get('x-correlation-id') ?? '');
    expect(events.map((event) => event['resource'])).toEqual([
      `contract-transactions/${idOf(second)}`,
    ]);
  });

  it('leaves every contract at untracked plus transactions, right bucket', async () => {
    const drifted = await owner<{ id: number }>(sql`
      SELECT c.id FROM contracts AS c
      JOIN (SELECT contract_id, sum(federal_action_obligation) AS obligated,
          min(action_date) AS first_action, max(action_date) AS last_action
        FROM contract_transactions GROUP BY contract_id) AS t ON t.contract_id = c.id
      WHERE c.total_obligation <> c.untracked_obligation + t.obligated
        OR c.first_action_date <> t.first_action OR c.last_action_date <> t.last_action
        OR c.total_obligation_bin <> CASE WHEN c.total_obligation < 1000000 THEN '<1M'
          WHEN c.total_obligation < 25000000 THEN '1M..25M' ELSE 'larger' END`);
    expect(drifted).toEqual([]);
    const [seeded] = await owner<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM contracts WHERE untracked_obligation <> 0`,
    );
    expect(seeded?.count).toBeGreaterThan(0);
  });
});
