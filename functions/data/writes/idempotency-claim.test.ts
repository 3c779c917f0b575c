import { describe, expect, it } from 'vitest';

import { createMemoryLogger } from '../../../shared/audit/test-support/audit-fixtures.js';
import type { AppDatabase } from '../../../shared/db/app-database.js';
import { postgresDialectFeatures } from '../../../shared/db/postgres-dialect-features.js';
import { statementlessPostgres } from '../../../shared/db/test-support/statementless-postgres.js';
import { testPrincipal } from '../../../shared/db/test-support/test-database.js';
import { runIdempotentWrite } from './run-idempotent-write.js';

/**
 * A store on which every statement finds nothing: the claim of a key always runs into a record
 * (no row returned by the INSERT) that is gone when read, as at the 24-hour mark when a retry's
 * expiry delete takes the record another retry's claim ran into.
 */
function vanishingStore(statements: string[]): AppDatabase {
  const db = statementlessPostgres((event) => {
    statements.push(event.query.sql.trim().split(/\s+/)[0] ?? '');
  });
  return {
    dialect: postgresDialectFeatures,
    withScope: (_principal, work) => db.transaction().execute(work),
    unsafeWithoutScope: (work) => work(db),
    close: () => db.destroy(),
  };
}

describe('claiming an Idempotency-Key', () => {
  it('claims again once when the record it ran into is gone, then asks for a retry', async () => {
    const statements: string[] = [];
    let changed = false;
    const { logger } = createMemoryLogger();
    const deps = {
      db: vanishingStore(statements),
      logger,
      audit: { append: () => Promise.reject(new Error('not reached')) },
    } as unknown as Parameters<typeof runIdempotentWrite>[0];
    const request = {
      method: 'POST',
      route: 'v1/vendors',
      params: {},
      body: { name: 'x' },
      headers: new Map([['idempotency-key', 'retry-at-expiry']]),
      correlationId: 'c0ffee00-0000-4000-8000-000000000000',
    } as const;
    const write = runIdempotentWrite(deps, testPrincipal(['EDS.Manager'], ['DC']), request, () => {
      changed = true;
      return Promise.reject(new Error('the change must not run'));
    });
    await expect(write).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      publicMessage: expect.stringContaining('retry') as unknown,
      details: { retryAfterSeconds: 5 },
    });
    expect(changed).toBe(false);
    expect(statements.filter((verb) => verb === 'INSERT')).toHaveLength(2);
    expect(statements.filter((verb) => verb === 'SELECT').length).toBeGreaterThanOrEqual(2);
  });
});
