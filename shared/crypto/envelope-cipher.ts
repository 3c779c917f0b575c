import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { AppError, isAppError } from '../errors/app-error.js';
import { envelopeAad, parseEnvelope, serializeEnvelope, type Envelope } from './envelope.js';
import type { EncryptedField, FieldCipher } from './field-cipher.js';
import type { KeyEncryptionKeyProvider } from './key-encryption-key.js';

const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

function assertContext(context: string): void {
  if (typeof context !== 'string' || context.length === 0) {
    throw new AppError('INTERNAL', 'Encryption context must be a non-empty string');
  }
}

async function unwrapDataKey(
  kek: KeyEncryptionKeyProvider,
  envelope: Envelope,
): Promise<Uint8Array> {
  const wrapped = Buffer.from(envelope.wk, 'base64url');
  try {
    return await kek.unwrap({ keyVersion: envelope.kv, wrapped });
  } catch (cause) {
    if (isAppError(cause)) throw cause;
    throw new AppError('INTERNAL', 'Data key could not be unwrapped', { cause });
  }
}

/**
 * Creates the field cipher that seals RESTRICTED values in v1 envelopes (see `envelope.ts`).
 *
 * Each `encrypt` draws a fresh 256-bit data key and IV, wraps the key with `kek` and forgets the
 * clear key. `decrypt` authenticates the ciphertext and the context together, so a value copied
 * to another row, column or table fails rather than decrypting.
 *
 * > [!WARNING]
 * > Errors name no plaintext, key or ciphertext. A caller must not add them either.
 *
 * @throws AppError CRYPTO_KEY_UNAVAILABLE from `decrypt` when the envelope's key version is
 * unknown or the key holder is down; AppError INTERNAL when the envelope is malformed or fails
 * authentication (tampering, or the wrong context).
 */
export function createEnvelopeCipher(kek: KeyEncryptionKeyProvider): FieldCipher {
  return {
    async encrypt(plaintext, context) {
      assertContext(context);
      const dataKey = randomBytes(DATA_KEY_BYTES);
      try {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
        cipher.setAAD(envelopeAad(context));
        const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
        const { keyVersion, wrapped } = await kek.wrap(dataKey);
        const envelope: Envelope = {
          v: 1,
          alg: 'A256GCM',
          kv: keyVersion,
          wk: Buffer.from(wrapped).toString('base64url'),
          iv: iv.toString('base64url'),
          ct: ct.toString('base64url'),
          tag: cipher.getAuthTag().toString('base64url'),
        };
        return serializeEnvelope(envelope) as EncryptedField;
      } finally {
        dataKey.fill(0);
      }
    },

    async decrypt(field, context) {
      assertContext(context);
      const envelope = parseEnvelope(field);
      const dataKey = await unwrapDataKey(kek, envelope);
      try {
        if (dataKey.length !== DATA_KEY_BYTES) {
          throw new AppError('INTERNAL', 'Unwrapped data key has the wrong length');
        }
        const tag = Buffer.from(envelope.tag, 'base64url');
        const iv = Buffer.from(envelope.iv, 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(envelopeAad(context));
        decipher.setAuthTag(tag);
        // Nothing is returned until `final` has checked the tag: no partial plaintext escapes.
        const clear = Buffer.concat([
          decipher.update(Buffer.from(envelope.ct, 'base64url')),
          decipher.final(),
        ]);
        return clear.toString('utf8');
      } catch (cause) {
        if (isAppError(cause)) throw cause;
        throw new AppError('INTERNAL', 'Encrypted field failed authentication', { cause });
      } finally {
        dataKey.fill(0);
      }
    },
  };
}

/**
 * Re-wraps an envelope's data key under the KEK's current version, leaving IV, ciphertext and
 * tag untouched. Used by key rotation: no plaintext is produced, and the context is not needed
 * because the data key's wrap is independent of it.
 *
 * Returns the field unchanged when it is already under the current version.
 *
 * @throws AppError CRYPTO_KEY_UNAVAILABLE when the old key version is unknown or unavailable;
 * AppError INTERNAL when the envelope is malformed or its wrapped key fails authentication.
 */
export async function rewrapEnvelope(
  field: EncryptedField,
  kek: KeyEncryptionKeyProvider,
): Promise<EncryptedField> {
  const envelope = parseEnvelope(field);
  if (envelope.kv === (await kek.currentVersion())) return field;
  const dataKey = await unwrapDataKey(kek, envelope);
  try {
    const { keyVersion, wrapped } = await kek.wrap(dataKey);
    const next: Envelope = {
      ...envelope,
      kv: keyVersion,
      wk: Buffer.from(wrapped).toString('base64url'),
    };
    return serializeEnvelope(next) as EncryptedField;
  } finally {
    dataKey.fill(0);
  }
}

/**
 * The KEK version an envelope's data key is wrapped under. Kept beside the format it reads; the
 * rotation sweep itself selects stale rows by `kv` in SQL, and tests check sweeps with this.
 */
export function readEnvelopeKeyVersion(field: EncryptedField): string {
  return parseEnvelope(field).kv;
}
