import { generateKeyPairSync } from 'node:crypto';

import type { Kysely } from 'kysely';

import { createLogger, type Logger } from '../../logging/logger.js';
import type { AuditSigningKeyRef, AuditVerifyingKey } from '../audit-checkpoint.js';
import type { RequestAuditEvent } from '../audit-event.js';
import type { AuditTables } from '../audit-tables.js';
import {
  createPostgresAuditTrail,
  type PostgresAuditTrail,
  type PostgresAuditTrailOptions,
} from '../postgres-audit-trail.js';

export const FROZEN_NOW = new Date('2026-12-04T12:00:00.000Z');

/** A fresh Ed25519 checkpoint key pair under a fixed id. */
export function createTestSigningKey(keyId = 'test-audit-key'): {
  readonly signing: AuditSigningKeyRef;
  readonly verifying: AuditVerifyingKey;
} {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { signing: { keyId, privateKey }, verifying: { keyId, publicKey } };
}

/** A logger that keeps its lines for assertions instead of printing them. */
export function createMemoryLogger(): { readonly logger: Logger; readonly lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger('debug', (line) => lines.push(line)), lines };
}

/**
 * A Postgres audit trail as the tests use it: checkpoints every 50 events unless told otherwise,
 * the frozen clock, and a memory logger whose lines come back beside it.
 */
export function createTestTrail(
  db: Kysely<AuditTables>,
  options: Pick<PostgresAuditTrailOptions, 'signingKey' | 'outboxDir'> &
    Partial<Pick<PostgresAuditTrailOptions, 'checkpointEvery' | 'role'>>,
): { readonly trail: PostgresAuditTrail; readonly lines: string[] } {
  const { logger, lines } = createMemoryLogger();
  const trail = createPostgresAuditTrail(db, {
    checkpointEvery: 50,
    logger,
    now: () => FROZEN_NOW,
    ...options,
  });
  return { trail, lines };
}

/** The n-th request event of a test run; `correlationId` carries `n` so order can be checked. */
export function requestEvent(n: number): RequestAuditEvent {
  return {
    type: 'http.request',
    actor: '3f0c2b7e-5a41-4d0e-9b1a-6c2d8e9f0a1b',
    correlationId: `corr-${String(n).padStart(5, '0')}`,
    outcome: 'success',
    function: 'data-get-award',
    method: 'GET',
    route: 'v1/awards/{id}',
    permission: 'records:read',
    resource: `awards/${n}`,
    status: 200,
  };
}
