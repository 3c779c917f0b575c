import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';

import { resolveInside } from '../shared/fs/safe-path.js';
import { startTestHost } from '../test/support/test-host.js';

const CLI = fileURLToPath(new URL('../dist/scripts/token.js', import.meta.url));

/** Runs the compiled CLI as `npm run token` does, in a worker, and returns what it printed. */
function runTokenCli(
  argv: string[],
  dataDir: string,
  env: Record<string, string> = { EDS_PORT: '7071' },
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLI, {
      argv,
      env: { EDS_DATA_DIR: dataDir, ...env },
      stdout: true,
      stderr: true,
    });
    let stdout = '';
    let stderr = '';
    worker.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    worker.once('error', reject);
    // The worker's own exit code: the CLI's `process.exitCode` inside it.
    worker.once('exit', (exitCode) => resolve({ stdout, stderr, exitCode }));
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

  it('prints nothing for an unknown role, and exits 2', async () => {
    const dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-token-'));
    const { stdout, stderr, exitCode } = await runTokenCli(['--role', 'EDS.Root'], dataDir);
    expect(stdout).toBe('');
    expect(stderr).toContain('Unknown role or division');
    expect(exitCode).toBe(2);
  });

  it.each([
    ['an object id that is not a UUID', ['--role', 'EDS.Reader', '--oid', 'not-a-uuid'], '--oid'],
    [
      'an object id of no UUID version',
      ['--role', 'EDS.Reader', '--oid', '12345678-1234-1234-1234-123456789012'],
      '--oid',
    ],
    ['no role', ['--division', 'DC'], 'at least one --role'],
    ['a person’s role on an app token', ['--app', '--role', 'EDS.Manager'], 'EDS.Manager'],
    ['the jobs role on a person’s token', ['--role', 'EDS.Jobs'], 'add --app'],
    ['a lifetime under a minute', ['--role', 'EDS.Reader', '--lifetime', '5'], 'from 60 to 86400'],
    ['a lifetime in words', ['--role', 'EDS.Reader', '--lifetime', 'day'], 'from 60 to 86400'],
    [
      'a lifetime as an exponent',
      ['--role', 'EDS.Reader', '--lifetime', '1e3'],
      'from 60 to 86400',
    ],
    ['a lifetime in hexadecimal', ['--role', 'EDS.Reader', '--lifetime', '0x100'], 'from 60'],
    ['a negative lifetime', ['--role', 'EDS.Reader', '--lifetime', '-1'], 'Usage'],
    ['a lifetime with no value', ['--role', 'EDS.Reader', '--lifetime'], 'Usage'],
    ['an unknown option', ['--role', 'EDS.Reader', '--admin'], 'Usage'],
  ])('prints nothing for %s, which the host would refuse', async (_case, argv, reason) => {
    const dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-token-'));
    const { stdout, stderr, exitCode } = await runTokenCli(argv, dataDir);
    expect(stdout).toBe('');
    expect(stderr).toContain(reason);
    expect(exitCode).toBe(2);
  });

  it.each([
    ['two lifetimes', ['--lifetime', '600', '--lifetime', '86400'], '--lifetime is given more'],
    ['two object ids', ['--oid', randomUUID(), '--oid', randomUUID()], '--oid is given more'],
    ['a lifetime with a leading zero (octal?)', ['--lifetime', '0600'], 'from 60 to 86400'],
  ])('prints nothing for %s, as which one was meant is a guess', async (_case, argv, reason) => {
    const dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-token-'));
    const { stdout, stderr, exitCode } = await runTokenCli(
      ['--role', 'EDS.Reader', ...argv],
      dataDir,
    );
    expect(stdout).toBe('');
    expect(stderr).toContain(reason);
    expect(exitCode).toBe(2);
  });

  it('prints an application token for the jobs role', async () => {
    const dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-token-'));
    const { stdout } = await runTokenCli(['--app', '--role', 'EDS.Jobs'], dataDir);
    expect(decodeJwt(stdout.trim())['roles']).toEqual(['EDS.Jobs']);
  });

  it('names the issuer of a host run under EDS_PUBLIC_BASE_URL', async () => {
    const env = { EDS_PUBLIC_BASE_URL: 'http://127.0.0.1:7614' };
    const t = await startTestHost({ skipSeed: true, env });
    try {
      const { stdout } = await runTokenCli(['--role', 'EDS.Reader'], t.dataDir, env);
      const token = stdout.trim();
      expect(decodeJwt(token)['iss']).toBe(t.host.config.issuer);
      expect(t.host.config.issuer.startsWith('http://127.0.0.1:7614/api/dev-issuer/')).toBe(true);
      expect((await t.request('GET', '/api/v1/awards?limit=1', { token })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
