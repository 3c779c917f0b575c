import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createEnvelopeCipher } from './envelope-cipher.js';
import { KEY_RING_FILE, openLocalKeyRing } from './local-key-ring.js';

const FROZEN = new Date('2026-12-04T12:00:00.000Z');
const options = { env: {}, now: () => FROZEN };

let dir: string;
let keys: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eds-key-ring-'));
  keys = join(dir, 'keys');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openLocalKeyRing', () => {
  it('creates the ring file owner-only (0600) in an owner-only directory (0700)', async () => {
    await openLocalKeyRing(keys, options);
    expect((await stat(join(keys, KEY_RING_FILE))).mode & 0o777).toBe(0o600);
    expect((await stat(keys)).mode & 0o777).toBe(0o700);
  });

  it('keeps the file 0600 after a rotation rewrites it', async () => {
    const ring = await openLocalKeyRing(keys, options);
    await ring.rotate();
    expect((await stat(join(keys, KEY_RING_FILE))).mode & 0o777).toBe(0o600);
  });

  it('stores no value that was encrypted with it', async () => {
    const ring = await openLocalKeyRing(keys, options);
    const cipher = createEnvelopeCipher(ring);
    const secret = 'routing 021000021 account 000123456789';
    await cipher.encrypt(secret, 'vendors/bank_account/v-1');
    await ring.rotate();
    const onDisk = await readFile(join(keys, KEY_RING_FILE), 'utf8');
    expect(onDisk).not.toContain(secret);
    expect(onDisk).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(onDisk).not.toContain(Buffer.from(secret).toString('hex'));
  });

  it('reopens the same keys from disk, so envelopes survive a restart', async () => {
    const first = await openLocalKeyRing(keys, options);
    await first.rotate();
    const field = await createEnvelopeCipher(first).encrypt('123-45-6789', 'people/ssn/p-1');
    const second = await openLocalKeyRing(keys, options);
    await expect(second.currentVersion()).resolves.toBe('kek-0002');
    await expect(createEnvelopeCipher(second).decrypt(field, 'people/ssn/p-1')).resolves.toBe(
      '123-45-6789',
    );
    expect(second.listVersions()).toEqual([
      { version: 'kek-0001', createdAt: FROZEN.toISOString() },
      { version: 'kek-0002', createdAt: FROZEN.toISOString() },
    ]);
  });

  it('picks up a version rotated by another process when unwrapping', async () => {
    const stale = await openLocalKeyRing(keys, options);
    const rotator = await openLocalKeyRing(keys, options);
    await rotator.rotate();
    const field = await createEnvelopeCipher(rotator).encrypt('v', 'ctx');
    await expect(createEnvelopeCipher(stale).decrypt(field, 'ctx')).resolves.toBe('v');
  });

  it.each([0o640, 0o604, 0o644, 0o660])(
    'refuses at start-up to open a ring file with mode %o',
    async (mode) => {
      await openLocalKeyRing(keys, options);
      await chmod(join(keys, KEY_RING_FILE), mode);
      await expect(openLocalKeyRing(keys, options)).rejects.toThrow(Error);
    },
  );

  it('refuses a ring directory that others can write to', async () => {
    await mkdir(keys, { mode: 0o700 });
    await chmod(keys, 0o777);
    await expect(openLocalKeyRing(keys, options)).rejects.toThrow(Error);
  });

  it('refuses a ring file that is a symlink', async () => {
    await mkdir(keys, { mode: 0o700 });
    const elsewhere = join(dir, 'elsewhere.json');
    await writeFile(elsewhere, '{}', { mode: 0o600 });
    await symlink(elsewhere, join(keys, KEY_RING_FILE));
    await expect(openLocalKeyRing(keys, options)).rejects.toThrow(Error);
  });

  it('refuses a malformed ring file', async () => {
    await mkdir(keys, { mode: 0o700 });
    await writeFile(join(keys, KEY_RING_FILE), '{"format":"eds-local-key-ring","v":2}', {
      mode: 0o600,
    });
    await expect(openLocalKeyRing(keys, options)).rejects.toThrow(Error);
  });

  it.each([{ WEBSITE_INSTANCE_ID: 'abc' }, { WEBSITE_SITE_NAME: 'eds-prod' }])(
    'refuses to run when the app is in Azure (%o)',
    async (env) => {
      await expect(openLocalKeyRing(keys, { env })).rejects.toThrow(Error);
      await expect(stat(keys)).rejects.toMatchObject({ code: 'ENOENT' });
    },
  );

  it('lets two processes starting together agree on one ring', async () => {
    const [a, b] = await Promise.all([
      openLocalKeyRing(keys, options),
      openLocalKeyRing(keys, options),
    ]);
    const field = await createEnvelopeCipher(a).encrypt('v', 'ctx');
    await expect(createEnvelopeCipher(b).decrypt(field, 'ctx')).resolves.toBe('v');
    expect(a.auditSigningKey().keyId).toBe(b.auditSigningKey().keyId);
  });

  it('serialises concurrent rotations into consecutive versions', async () => {
    const ring = await openLocalKeyRing(keys, options);
    const versions = await Promise.all([ring.rotate(), ring.rotate(), ring.rotate()]);
    expect(versions).toEqual(['kek-0002', 'kek-0003', 'kek-0004']);
  });
});

describe('audit signing key', () => {
  it('signs with a stable Ed25519 key that verifies under its public half', async () => {
    const ring = await openLocalKeyRing(keys, options);
    const key = ring.auditSigningKey();
    const message = Buffer.from('checkpoint 100');
    const signature = sign(null, message, key.privateKey);
    expect(key.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(verify(null, message, key.publicKey, signature)).toBe(true);
    const reopened = await openLocalKeyRing(keys, options);
    expect(reopened.auditSigningKey().keyId).toBe(key.keyId);
    expect(verify(null, message, reopened.auditSigningKey().publicKey, signature)).toBe(true);
    const stranger = generateKeyPairSync('ed25519').publicKey;
    expect(verify(null, message, stranger, signature)).toBe(false);
  });

  it('exposes no key material when the ring object is serialised', async () => {
    const ring = await openLocalKeyRing(keys, options);
    const onDisk = JSON.parse(await readFile(join(keys, KEY_RING_FILE), 'utf8')) as {
      keys: { k: string }[];
      auditSigning: { d: string };
    };
    const serialised = JSON.stringify(ring);
    expect(serialised).not.toContain(onDisk.keys[0]?.k);
    expect(serialised).not.toContain(onDisk.auditSigning.d);
  });
});
