import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { AUDIT_OUTBOX_FILE } from '../../shared/audit/audit-outbox.js';
import { isAppError } from '../../shared/errors/app-error.js';
import { FAULT_CONNECT_TIMEOUT_MS, startFaultHost, type FaultHost } from '../support/fault-host.js';
import type { TestResponse } from '../support/test-host.js';

const PROBLEM_KEYS = ['code', 'correlationId', 'status', 'title', 'type'];
/** Words that would mean a store's internals reached the caller. */
const INTERNALS =
  /ECONN|postgres|pglite|127\.0\.0\.1|Connection terminated|timeout exceeded|stack|SQLSTATE/i;

let f: FaultHost;
let reader: string;

async function outboxEvents(): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(f.outboxDir, AUDIT_OUTBOX_FILE), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { event: Record<string, unknown> }).event);
}

function expectUnavailable(response: TestResponse): string {
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.headers.get('retry-after')).toBe('5');
  const correlationId = response.headers.get('x-correlation-id') ?? '';
  expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
  expect(Object.keys(response.body as object).sort()).toEqual(PROBLEM_KEYS);
  expect(response.body).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE', correlationId });
  expect(response.text).not.toMatch(INTERNALS);
  expect(response.text).not.toContain(String(new URL(f.proxy.url).port));
  return correlationId;
}

async function getAwards(): Promise<TestResponse> {
  return f.t.request('GET', '/api/v1/awards?limit=5', { token: reader });
}

beforeAll(async () => {
  f = await startFaultHost();
  reader = await f.t.token(['EDS.Reader'], ['DC']);
});

afterAll(async () => {
  await f?.close();
});

beforeEach(() => {
  f.proxy.setMode('up');
});

describe('a store that goes down', () => {
  it('answers 503 problem+json with Retry-After, a correlation id and no internals', async () => {
    expect((await getAwards()).status).toBe(200);
    f.proxy.setMode('down');
    expectUnavailable(await getAwards());
  });

  it('keeps the refused request audit event in the outbox and writes it on recovery', async () => {
    f.proxy.setMode('down');
    const refusedId = expectUnavailable(await getAwards());
    const waiting = await outboxEvents();
    expect(waiting).toContainEqual(
      expect.objectContaining({
        type: 'http.request',
        correlationId: refusedId,
        status: 503,
        outcome: 'failure',
        errorCode: 'STORE_UNAVAILABLE',
      }),
    );
    const outboxMode = (await stat(join(f.outboxDir, AUDIT_OUTBOX_FILE))).mode & 0o777;
    expect(outboxMode).toBe(0o600);

    f.proxy.setMode('up');
    const next = await getAwards();

    expect(next.status).toBe(200);
    expect(await outboxEvents()).toEqual([]);
    const landed = await f.t.auditEvents({ correlationId: refusedId });
    expect(landed).toEqual([
      expect.objectContaining({ status: 503, errorCode: 'STORE_UNAVAILABLE' }),
    ]);
    expect(
      await f.t.auditEvents({ correlationId: next.headers.get('x-correlation-id') ?? '' }),
    ).toHaveLength(1);
    const officer = await f.t.token(['EDS.ComplianceOfficer'], []);
    const verify = await f.t.request('GET', '/api/v1/audit/verify', { token: officer });
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ status: 'intact' });
  });

  it('answers 503 to a request whose store drops between statements, then recovers', async () => {
    const cut = f.proxy.cutWhen(/from "awards"/i);
    const response = await getAwards();
    await cut;
    const refusedId = expectUnavailable(response);
    f.proxy.setMode('up');
    expect((await getAwards()).status).toBe(200);
    expect(await f.t.auditEvents({ correlationId: refusedId })).toEqual([
      expect.objectContaining({ status: 503, errorCode: 'STORE_UNAVAILABLE' }),
    ]);
  });
});

describe('a store that is too slow', () => {
  it('answers 503 after the connect timeout and audits the request on recovery', async () => {
    f.proxy.setMode('stall');
    const started = performance.now();
    const response = await getAwards();
    const elapsed = performance.now() - started;
    const refusedId = expectUnavailable(response);
    expect(elapsed).toBeGreaterThanOrEqual(FAULT_CONNECT_TIMEOUT_MS * 0.9);
    expect(elapsed).toBeLessThan(FAULT_CONNECT_TIMEOUT_MS * 8);
    f.proxy.setMode('up');
    expect((await getAwards()).status).toBe(200);
    expect(await f.t.auditEvents({ correlationId: refusedId })).toHaveLength(1);
  });
});

describe('a write in flight when the store dies', () => {
  it('leaves neither row of a two-row transaction cut between its inserts', async () => {
    const [first, second] = ['FAULT-A', 'FAULT-B'] as const;
    const insert = (code: string) =>
      sql`INSERT INTO accounts (division, code, title, agency, subagency)
        VALUES ('DC', ${code}, 'Fault test', 'DOT', 'FHWA')`;
    const attempt = f.db.unsafeWithoutScope((db) =>
      db.transaction().execute(async (trx) => {
        await insert(first).execute(trx);
        f.proxy.setMode('down');
        await insert(second).execute(trx);
      }),
    );
    const error: unknown = await attempt.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isAppError(error) && error.code).toBe('STORE_UNAVAILABLE');

    f.proxy.setMode('up');
    const left = await f.direct.unsafeWithoutScope((db) =>
      db.selectFrom('accounts').select('code').where('code', 'in', [first, second]).execute(),
    );
    expect(left).toEqual([]);
    expect((await getAwards()).status).toBe(200);
  });
});
