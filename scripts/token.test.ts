import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';

import { resolveInside } from '../shared/fs/safe-path.js';

const CLI = fileURLToPath(new URL('../dist/scripts/token.js', import.meta.url));

/** Runs the compiled CLI as `npm run token` does, in a worker, and returns what it printed. */
function runTokenCli(
  argv: string[],
  dataDir: string,
): Promise<{ stdout: string; exitCode: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLI, {
      argv,
      env: { EDS_DATA_DIR: dataDir, EDS_PORT: '7071' },
      stdout: true,
      stderr: true,
    });
    let stdout = '';
    worker.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    worker.once('error', reject);
    worker.once('exit', () => resolve({ stdout, exitCode: Number(process.exitCode ?? 0) }));
  });
}

describe('npm run token', () => {
  it('prints a token with the roles and divisions asked for', async () => {
    const dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-token-'));
    const { stdout } = await runTokenCli(
      ['--role', 'EDS.Analyst', '--role', 'EDS.PiiReader', '--division', 'dc', '--division', 'MD'],
      dataDir,
    );
    const claims = decodeJwt(stdout.trim());
    expect(claims['roles']).toEqual(['EDS.Analyst', 'EDS.PiiReader']);
    expect(claims['divisions']).toEqual(['DC', 'MD']);
    expect(claims['iss']).toBe(
      'http://localhost:7071/api/dev-issuer/6f1d7a4e-0c1b-4e55-9a55-6d2f1e0de5a1/v2.0',
    );
  });

  it('prints nothing for an unknown role', async () => {
    const dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-token-'));
    const { stdout } = await runTokenCli(['--role', 'EDS.Root'], dataDir);
    expect(stdout).toBe('');
    process.exitCode = 0;
  });
});
