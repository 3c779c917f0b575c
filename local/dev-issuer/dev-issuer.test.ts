import { chmod, chown, mkdir, mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';

import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';

import { resolveInside } from '../../shared/fs/safe-path.js';
import { openDevIssuer } from './dev-issuer.js';

const OPTIONS = {
  issuer: 'http://localhost:7071/api/dev-issuer/6f1d7a4e-0c1b-4e55-9a55-6d2f1e0de5a1/v2.0',
  audience: 'api://eds-backend',
  tenantId: '6f1d7a4e-0c1b-4e55-9a55-6d2f1e0de5a1',
};

describe('development issuer', () => {
  it('keeps its private key owner-only and mints Entra-shaped v2 tokens', async () => {
    const dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-issuer-'));
    const issuer = await openDevIssuer({ ...OPTIONS, dataDir, env: {} });
    const info = await stat(resolveInside(dataDir, 'dev-issuer', 'signing-key.jwk.json'));
    expect(info.mode & 0o777).toBe(0o600);
    const token = await issuer.mint({ roles: ['EDS.Reader'], divisions: ['DC'] });
    const claims = decodeJwt(token);
    expect(Object.keys(claims)).toEqual(
      expect.arrayContaining([
        'iss',
        'aud',
        'tid',
        'oid',
        'sub',
        'roles',
        'ver',
        'iat',
        'nbf',
        'exp',
      ]),
    );
    expect(claims).toMatchObject({
      iss: OPTIONS.issuer,
      aud: OPTIONS.audience,
      tid: OPTIONS.tenantId,
      ver: '2.0',
    });
    expect(decodeProtectedHeader(token).kid).toBe(issuer.jwks().keys[0]?.['kid']);
    expect(JSON.stringify(issuer.jwks())).not.toMatch(/"d"|"p"|"q"/);
    const app = decodeJwt(await issuer.mint({ roles: ['EDS.Jobs'], app: true }));
    expect(app['scp']).toBeUndefined();
    expect(app['idtyp']).toBeUndefined();
  });

  it('advertises only what it serves: its issuer and its keys, no sign-in endpoints', async () => {
    const dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-issuer-'));
    const discovery = (await openDevIssuer({ ...OPTIONS, dataDir, env: {} })).discovery();
    expect(discovery).toMatchObject({
      issuer: OPTIONS.issuer,
      jwks_uri: `${OPTIONS.issuer}/discovery/keys`,
    });
    expect(Object.keys(discovery).filter((name) => name.endsWith('_endpoint'))).toEqual([]);
  });

  it('refuses to start when the app runs in Azure', async () => {
    const dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-issuer-'));
    await expect(
      openDevIssuer({
        ...OPTIONS,
        dataDir,
        env: { WEBSITE_INSTANCE_ID: 'abc', WEBSITE_SITE_NAME: 'eds' },
      }),
    ).rejects.toThrow(/refuses/);
  });

  it('refuses a data directory others may write into, and writes no key there', async () => {
    const dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-issuer-'));
    await chmod(dataDir, 0o777);
    await expect(openDevIssuer({ ...OPTIONS, dataDir, env: {} })).rejects.toThrow(
      'writable by group or others',
    );
    expect(await readdir(dataDir)).toEqual([]);
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses a signing key another user planted, even owner-only',
    async () => {
      const dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-issuer-'));
      await openDevIssuer({ ...OPTIONS, dataDir, env: {} });
      const path = resolveInside(dataDir, 'dev-issuer', 'signing-key.jwk.json');
      await chown(path, 65534, 65534);
      await expect(openDevIssuer({ ...OPTIONS, dataDir, env: {} })).rejects.toThrow(
        'belongs to another user',
      );
    },
  );

  it('refuses a signing key that is not a regular file', async () => {
    const dataDir = await mkdtemp(resolveInside(tmpdir(), 'eds-issuer-'));
    await mkdir(resolveInside(dataDir, 'dev-issuer', 'signing-key.jwk.json'), { recursive: true });
    await expect(openDevIssuer({ ...OPTIONS, dataDir, env: {} })).rejects.toThrow(
      'not a regular file',
    );
  });
});
