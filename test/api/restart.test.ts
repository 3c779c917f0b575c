import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resolveInside } from '../../shared/fs/safe-path.js';
import { startLocalHost } from '../../local/host/start-local-host.js';

describe('local host restarts on its own data', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-restart-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('loads the records once, keeps them and the audit trail across a clean stop', async () => {
    const env = { EDS_DATA_DIR: dataDir, EDS_LOG_LEVEL: 'silent' };
    const first = await startLocalHost({ port: 0, env, auditStoreThread: false });
    expect(first.services.seedReport?.singleAudit).toMatchObject({ recipients: 172 });
    const token = await first.services.issuer.mint({ roles: ['EDS.ComplianceOfficer'] });
    const url = `http://127.0.0.1:${first.port}/api/v1/audit/verify`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const before = (await response.json()) as { count: number };
    await first.close();

    const second = await startLocalHost({ port: 0, env, auditStoreThread: false });
    try {
      expect(second.services.seedReport).toEqual({
        singleAudit: 'already_loaded',
        contracts: 'already_loaded',
        accounts: 'already_loaded',
      });
      const after = await second.services.auditTrail.verify();
      expect(after.status).toBe('intact');
      expect(after.count).toBeGreaterThan(before.count);
    } finally {
      await second.close();
    }
  });
});
