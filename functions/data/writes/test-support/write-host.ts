import { sql } from 'kysely';
import { afterAll, beforeAll, expect } from 'vitest';

import { startTestHost, type TestHost } from '../../../../test/support/test-host.js';

/** Text full of SQL metacharacters, which a write must store verbatim. */
export const SQL_TEXT = "Robert'); DROP TABLE vendors;--";

export interface StoredEvent {
  readonly type: string;
  readonly correlationId: string;
  readonly [field: string]: unknown;
}

type SendAsManager = (
  path: string,
  json: unknown,
  headers?: Record<string, string>,
) => ReturnType<TestHost['request']>;

/** A local host for write tests, a DC manager's token, and one DC and one VA contract. */
export interface WriteHost {
  readonly t: TestHost;
  /** Bearer token of an EDS.Manager scoped to DC. */
  readonly manager: string;
  readonly dcContractId: number;
  readonly vaContractId: number;
  /** A DUNS number no earlier call returned. */
  nextDuns(): string;
  /** Runs `query` as the store's owner, outside any division scope. */
  owner<R>(query: ReturnType<typeof sql<R>>): Promise<R[]>;
  /** The `data.change` audit events of one request. */
  changeEvents(correlationId: string): Promise<StoredEvent[]>;
  /** Rows left in the transactional audit outbox. */
  relayRows(): Promise<number>;
  obligationBody(overrides?: Record<string, unknown>): Record<string, unknown>;
  vendorBody(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** Sends JSON with the manager's token. */
  readonly post: SendAsManager;
  readonly patch: SendAsManager;
}

/**
 * Starts a write-test host before the file's tests and closes it after them. Read `t`, `manager`
 * and the contract ids inside tests only: they are set by `beforeAll`.
 */
export function useWriteHost(): WriteHost {
  let host: TestHost | undefined;
  let manager = '';
  let dcContractId = 0;
  let vaContractId = 0;
  let dunsSerial = 100_000_000;

  const started = (): TestHost => {
    if (host === undefined) throw new Error('write host used outside a test');
    return host;
  };

  const owner = <R>(query: ReturnType<typeof sql<R>>): Promise<R[]> => started().ownerRows(query);

  beforeAll(async () => {
    host = await startTestHost({
      env: { EDS_RATE_LIMIT_PER_PRINCIPAL: '100000', EDS_RATE_LIMIT_PER_ADDRESS: '100000' },
    });
    manager = await host.token(['EDS.Manager'], ['DC']);
    const contracts = await owner<{ id: number; division: string }>(
      sql`SELECT DISTINCT ON (division) id, division FROM contracts
        WHERE division IN ('DC', 'VA') ORDER BY division, id`,
    );
    dcContractId = contracts.find((row) => row.division === 'DC')?.id ?? 0;
    vaContractId = contracts.find((row) => row.division === 'VA')?.id ?? 0;
    expect(dcContractId).toBeGreaterThan(0);
    expect(vaContractId).toBeGreaterThan(0);
  });
  afterAll(() => host?.close());

  const nextDuns = (): string => String((dunsSerial += 1));

  return {
    get t() {
      return started();
    },
    get manager() {
      return manager;
    },
    get dcContractId() {
      return dcContractId;
    },
    get vaContractId() {
      return vaContractId;
    },
    nextDuns,
    owner,
    changeEvents: (correlationId) =>
      started().auditEvents<StoredEvent>({ type: 'data.change', correlationId }),
    relayRows: async () => {
      const [row] = await owner<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM audit_relay`,
      );
      return row?.count ?? -1;
    },
    obligationBody: (overrides = {}) => ({
      contractId: dcContractId,
      actionDate: '2026-11-02',
      actionType: 'C',
      modificationNumber: 'P00007',
      federalActionObligation: '125000.50',
      description: 'Resurfacing, phase 2',
      ...overrides,
    }),
    vendorBody: (overrides = {}) => ({
      duns: nextDuns(),
      name: 'Potomac Paving LLC',
      state: 'DC',
      countyName: 'District of Columbia',
      zip5: '20001',
      congressionalDistrict: '98',
      businessCategories: ['small_business'],
      ...overrides,
    }),
    post: (path, json, headers = {}) =>
      started().request('POST', path, { token: manager, json, headers }),
    patch: (path, json, headers = {}) =>
      started().request('PATCH', path, { token: manager, json, headers }),
  };
}
