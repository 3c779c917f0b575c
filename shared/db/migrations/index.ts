import type { Migration, MigrationProvider } from 'kysely';

import * as financialRecords from './0001-financial-records.js';
import * as auditTrail from './0002-audit-trail.js';
import * as writes from './0003-writes.js';
import * as auditAppend from './0004-audit-append.js';
import * as auditDigestChecks from './0005-audit-digest-checks.js';
import * as maintenanceRole from './0006-maintenance-role.js';
import * as contractTotals from './0007-contract-totals.js';
import * as idempotencyResponseText from './0008-idempotency-response-text.js';
import * as divisionFollowsParent from './0009-division-follows-parent.js';
import * as idempotencyKeyPurge from './0010-idempotency-key-purge.js';
import * as idempotencyKeyDigest from './0011-idempotency-key-digest.js';

/**
 * Every migration, by name, in the order they apply. Names sort lexically: `NNNN-<topic>`.
 * Compatibility: never rename or remove an entry once it has shipped.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-financial-records': financialRecords,
  '0002-audit-trail': auditTrail,
  '0003-writes': writes,
  '0004-audit-append': auditAppend,
  '0005-audit-digest-checks': auditDigestChecks,
  '0006-maintenance-role': maintenanceRole,
  '0007-contract-totals': contractTotals,
  '0008-idempotency-response-text': idempotencyResponseText,
  '0009-division-follows-parent': divisionFollowsParent,
  '0010-idempotency-key-purge': idempotencyKeyPurge,
  '0011-idempotency-key-digest': idempotencyKeyDigest,
};

/** A static provider: no directory scan, so bundling and ESM paths cannot lose a migration. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
