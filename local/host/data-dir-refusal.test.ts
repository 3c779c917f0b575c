import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { startLocalHost } from './start-local-host.js';

describe('local host data directory', () => {
  it('refuses to start on a directory others may write into, before opening anything', async () => {
    // A shared /tmp path another user created first: they could plant a signing key or a store.
    const dataDir = await mkdtemp(join(tmpdir(), 'eds-squat-'));
    try {
      await chmod(dataDir, 0o777);
      await expect(
        startLocalHost({
          port: 0,
          inMemoryStore: true,
          skipSeed: true,
          scheduleTimers: false,
          auditStoreThread: false,
          env: { EDS_DATA_DIR: dataDir, EDS_LOG_LEVEL: 'silent' },
        }),
      ).rejects.toThrow(`Data directory ${dataDir} is writable by group or others`);
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
