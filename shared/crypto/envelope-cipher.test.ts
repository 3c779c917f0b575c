import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { rejectionCodeOf } from '../../test/support/rejection-code.js';
import { parseEnvelope, serializeEnvelope, type Envelope } from './envelope.js';
import { createEnvelopeCipher, readEnvelopeKeyVersion, rewrapEnvelope } from './envelope-cipher.js';
import type { EncryptedField, FieldCipher } from './field-cipher.js';
import { openLocalKeyRing, type LocalKeyRing } from './local-key-ring.js';

const CONTEXT = 'vendors/tax_id/0f0e5d1c-1111-4aaa-8bbb-222233334444';
const TAX_ID = '12-3456789';

let dir: string;
let ring: LocalKeyRing;
let cipher: FieldCipher;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eds-envelope-'));
  ring = await openLocalKeyRing(join(dir, 'keys'), { env: {} });
  cipher = createEnvelopeCipher(ring);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Rewrites one field of a sealed envelope, as an attacker with write access to the row would. */
function tamper(field: EncryptedField, change: (envelope: Envelope) => Envelope): EncryptedField {
  return serializeEnvelope(change(parseEnvelope(field))) as EncryptedField;
}

function flipFirstByte(base64url: string): string {
  const bytes = Buffer.from(base64url, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

describe('createEnvelopeCipher', () => {
  it('round-trips a value for the same context', async () => {
    const field = await cipher.encrypt(TAX_ID, CONTEXT);
    await expect(cipher.decrypt(field, CONTEXT)).resolves.toBe(TAX_ID);
  });

  it('round-trips empty and non-ASCII values', async () => {
    for (const value of ['', 'Åsa Núñez 🚧', 'x'.repeat(10_000)]) {
      const field = await cipher.encrypt(value, CONTEXT);
      await expect(cipher.decrypt(field, CONTEXT)).resolves.toBe(value);
    }
  });

  it('writes a compact v1 envelope with the key version and no plaintext', async () => {
    const field = await cipher.encrypt(TAX_ID, CONTEXT);
    const envelope = parseEnvelope(field);
    expect(envelope).toMatchObject({ v: 1, alg: 'A256GCM', kv: 'kek-0001' });
    expect(Buffer.from(envelope.iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(envelope.tag, 'base64url')).toHaveLength(16);
    expect(field).not.toContain(TAX_ID);
    expect(field).not.toMatch(/\s/);
  });

  it('uses a fresh data key and IV for every value, even the same one', async () => {
    const first = parseEnvelope(await cipher.encrypt(TAX_ID, CONTEXT));
    const second = parseEnvelope(await cipher.encrypt(TAX_ID, CONTEXT));
    expect(second.wk).not.toBe(first.wk);
    expect(second.iv).not.toBe(first.iv);
    expect(second.ct).not.toBe(first.ct);
  });

  it.each([
    ['ciphertext', (e: Envelope): Envelope => ({ ...e, ct: flipFirstByte(e.ct) })],
    ['IV', (e: Envelope): Envelope => ({ ...e, iv: flipFirstByte(e.iv) })],
    ['tag', (e: Envelope): Envelope => ({ ...e, tag: flipFirstByte(e.tag) })],
    ['wrapped key', (e: Envelope): Envelope => ({ ...e, wk: flipFirstByte(e.wk) })],
  ])('refuses an envelope whose %s was altered, with INTERNAL', async (_part, change) => {
    const field = tamper(await cipher.encrypt(TAX_ID, CONTEXT), change);
    expect(await rejectionCodeOf(cipher.decrypt(field, CONTEXT))).toBe('INTERNAL');
  });

  it('refuses a value moved to another record (different context)', async () => {
    const field = await cipher.encrypt(TAX_ID, CONTEXT);
    const otherRow = 'vendors/tax_id/0f0e5d1c-1111-4aaa-8bbb-999999999999';
    expect(await rejectionCodeOf(cipher.decrypt(field, otherRow))).toBe('INTERNAL');
    expect(await rejectionCodeOf(cipher.decrypt(field, 'vendors/bank_account/0f0e5d1c'))).toBe(
      'INTERNAL',
    );
  });

  it('refuses an envelope under an unknown key version, with CRYPTO_KEY_UNAVAILABLE', async () => {
    const field = tamper(await cipher.encrypt(TAX_ID, CONTEXT), (e) => ({ ...e, kv: 'kek-0042' }));
    expect(await rejectionCodeOf(cipher.decrypt(field, CONTEXT))).toBe('CRYPTO_KEY_UNAVAILABLE');
  });

  it('refuses an envelope unwrapped under the wrong existing key version', async () => {
    const field = await cipher.encrypt(TAX_ID, CONTEXT);
    await ring.rotate();
    const mislabelled = tamper(field, (e) => ({ ...e, kv: 'kek-0002' }));
    expect(await rejectionCodeOf(cipher.decrypt(mislabelled, CONTEXT))).toBe('INTERNAL');
  });

  it("refuses an envelope sealed under another ring's key, with INTERNAL", async () => {
    const otherRing = await openLocalKeyRing(join(dir, 'other'), { env: {} });
    const field = await cipher.encrypt(TAX_ID, CONTEXT);
    const code = await rejectionCodeOf(createEnvelopeCipher(otherRing).decrypt(field, CONTEXT));
    expect(code).toBe('INTERNAL');
  });

  it.each([
    ['not JSON', 'not-json'],
    ['an unknown version', '{"v":2}'],
    [
      'an extra field',
      '{"v":1,"alg":"A256GCM","kv":"k","wk":"AA","iv":"AAAAAAAAAAAAAAAA",' +
        '"ct":"","tag":"AAAAAAAAAAAAAAAAAAAAAA","x":1}',
    ],
  ])('refuses stored text that is %s, with INTERNAL', async (_case, text) => {
    expect(await rejectionCodeOf(cipher.decrypt(text as EncryptedField, CONTEXT))).toBe('INTERNAL');
  });

  it('keeps plaintext out of every decrypt error', async () => {
    const field = await cipher.encrypt(TAX_ID, CONTEXT);
    const error = await cipher.decrypt(field, 'elsewhere').catch((caught: unknown) => caught);
    expect(String((error as Error).message)).not.toContain(TAX_ID);
    expect(JSON.stringify(error)).not.toContain(TAX_ID);
  });
});

describe('key rotation', () => {
  it('still decrypts envelopes written before a rotation', async () => {
    const before = await cipher.encrypt(TAX_ID, CONTEXT);
    await ring.rotate();
    await expect(cipher.decrypt(before, CONTEXT)).resolves.toBe(TAX_ID);
  });

  it('wraps new envelopes under the new version', async () => {
    const version = await ring.rotate();
    expect(version).toBe('kek-0002');
    expect(readEnvelopeKeyVersion(await cipher.encrypt(TAX_ID, CONTEXT))).toBe('kek-0002');
  });

  it('re-wraps an envelope onto the current version without touching its ciphertext', async () => {
    const before = await cipher.encrypt(TAX_ID, CONTEXT);
    await ring.rotate();
    const after = await rewrapEnvelope(before, ring);
    const [old, next] = [parseEnvelope(before), parseEnvelope(after)];
    expect(next.kv).toBe('kek-0002');
    expect(next.wk).not.toBe(old.wk);
    expect({ iv: next.iv, ct: next.ct, tag: next.tag }).toEqual({
      iv: old.iv,
      ct: old.ct,
      tag: old.tag,
    });
    await expect(cipher.decrypt(after, CONTEXT)).resolves.toBe(TAX_ID);
  });

  it('leaves an envelope already on the current version as it is', async () => {
    const field = await cipher.encrypt(TAX_ID, CONTEXT);
    await expect(rewrapEnvelope(field, ring)).resolves.toBe(field);
  });

  it('refuses to re-wrap an envelope whose key version is unknown', async () => {
    const field = tamper(await cipher.encrypt(TAX_ID, CONTEXT), (e) => ({ ...e, kv: 'kek-0099' }));
    await ring.rotate();
    expect(await rejectionCodeOf(rewrapEnvelope(field, ring))).toBe('CRYPTO_KEY_UNAVAILABLE');
  });
});
