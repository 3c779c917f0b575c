import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Kysely, PostgresDialect, sql, type RawBuilder } from 'kysely';
import pg from 'pg';

import { startLocalHost, type LocalHost } from '../../local/host/start-local-host.js';
import type { MintRequest } from '../../local/dev-issuer/dev-issuer.js';

export interface TestHost {
  readonly host: LocalHost;
  readonly baseUrl: string;
  readonly dataDir: string;
  token(
    roles: readonly string[],
    divisions?: readonly string[],
    options?: Partial<MintRequest>,
  ): Promise<string>;
  request(method: string, path: string, options?: TestRequestOptions): Promise<TestResponse>;
  /** Runs a raw query as the store's owner, outside any division scope; returns its rows. */
  ownerRows<R>(query: RawBuilder<R>): Promise<R[]>;
  /** Runs a raw query as the audit store's owner (`audit_events`, `audit_checkpoints`). */
  auditRows<R>(query: RawBuilder<R>): Promise<R[]>;
  /**
   * The audit trail's events in trail order, only those matching every field of `filter`. `E` is
   * the shape the caller expects; nothing checks it.
   */
  auditEvents<E = Record<string, unknown>>(filter?: AuditEventFilter): Promise<E[]>;
  close(): Promise<void>;
}

/** Which audit events {@link TestHost.auditEvents} returns; an absent field matches any. */
export interface AuditEventFilter {
  readonly type?: string;
  readonly correlationId?: string;
}

export interface TestRequestOptions {
  readonly token?: string;
  readonly json?: unknown;
  readonly body?: string | Uint8Array;
  readonly headers?: Record<string, string>;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body, or undefined when empty; read it through `response-body.ts`. */
  readonly body: unknown;
}

/**
 * Starts the real local host for a test file: every registered function, the embedded Postgres
 * in memory, a throwaway data directory, loopback only, silent logs.
 */
export async function startTestHost(
  options: { env?: Record<string, string>; skipSeed?: boolean } = {},
): Promise<TestHost> {
  const dataDir = await mkdtemp(join(tmpdir(), 'eds-test-'));
  const host = await startLocalHost({
    port: 0,
    inMemoryStore: true,
    skipSeed: options.skipSeed ?? false,
    scheduleTimers: false,
    // The thread loads compiled code; `audit-store-thread.test.ts` runs it.
    auditStoreThread: false,
    env: { EDS_DATA_DIR: dataDir, EDS_LOG_LEVEL: 'silent', ...options.env },
  });
  const baseUrl = `http://127.0.0.1:${host.port}`;
  const ownerRows = async <R>(query: RawBuilder<R>): Promise<R[]> =>
    (await host.services.db.unsafeWithoutScope((db) => query.execute(db))).rows;
  let auditDb: Kysely<unknown> | undefined;
  const auditRows = async <R>(query: RawBuilder<R>): Promise<R[]> => {
    if (auditDb === undefined) {
      const pool = new pg.Pool({ connectionString: host.services.auditStoreUrl, max: 1 });
      auditDb = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    }
    return (await query.execute(auditDb)).rows;
  };
  return {
    host,
    baseUrl,
    dataDir,
    token: (roles, divisions = [], extra = {}) =>
      host.services.issuer.mint({ roles, divisions, ...extra }),
    async request(method, path, requestOptions = {}) {
      const headers: Record<string, string> = { ...requestOptions.headers };
      if (requestOptions.token !== undefined)
        headers['authorization'] = `Bearer ${requestOptions.token}`;
      let body: string | Uint8Array | undefined = requestOptions.body;
      if (requestOptions.json !== undefined) {
        body = JSON.stringify(requestOptions.json);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, text, body: parsed };
    },
    ownerRows,
    auditRows,
    async auditEvents<E>(filter: AuditEventFilter = {}): Promise<E[]> {
      const type = filter.type ?? null;
      const correlationId = filter.correlationId ?? null;
      const rows = await auditRows(sql<{ event: E }>`SELECT event FROM audit_events
        WHERE (${type}::text IS NULL OR type = ${type})
        AND (${correlationId}::text IS NULL OR event ->> 'correlationId' = ${correlationId})
        ORDER BY seq`);
      return rows.map((row) => row.event);
    },
    async close() {
      await auditDb?.destroy();
      await host.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
