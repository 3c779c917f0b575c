import { join } from 'node:path';

import { createTestSigningKey } from '../../../shared/audit/test-support/audit-fixtures.js';
import type { AuditStoreSettings } from '../audit-store.js';

/** The audit store's settings under a test's directory: one signing key, a checkpoint every 5. */
export function testAuditStoreSettings(
  key = createTestSigningKey(),
): (dir: string) => AuditStoreSettings {
  return (dir) => ({
    dataDir: join(dir, 'audit-pg'),
    outboxDir: join(dir, 'audit-outbox'),
    checkpointEvery: 5,
    signingKey: key.signing,
  });
}
