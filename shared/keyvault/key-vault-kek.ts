import type { TokenCredential } from '@azure/identity';
import { CryptographyClient, KeyClient, type KeyClientOptions } from '@azure/keyvault-keys';

import type { KeyEncryptionKeyProvider, WrappedKey } from '../crypto/key-encryption-key.js';
import { AppError } from '../errors/app-error.js';
import { assertKeyVaultClientOptions } from './key-vault-client-options.js';
import { toKeyVaultFailure } from './key-vault-failure.js';

/** Options of {@link createKeyVaultKek}. */
export interface KeyVaultKekOptions {
  /** `https://<vault>.vault.azure.net`. */
  readonly vaultUrl: string;
  /** Name of the RSA key that wraps data keys. */
  readonly keyName: string;
  readonly credential: TokenCredential;
  /** Passed to both SDK clients (TLS trust, retries, challenge check for the local peer). */
  readonly clientOptions?: KeyClientOptions;
  /** How long the current key version is reused before Key Vault is asked again; 5 minutes. */
  readonly currentVersionTtlMs?: number;
}

const WRAP_ALGORITHM = 'RSA-OAEP-256';
const DEFAULT_VERSION_TTL_MS = 5 * 60 * 1000;
/** Key Vault version ids are 32 lowercase hex digits; anything else never reaches a URL. */
const VERSION_PATTERN = /^[0-9a-f]{32}$/;
const KEY_NAME_PATTERN = /^[0-9A-Za-z-]{1,127}$/;
/** Versions kept with a ready client; a few are live at once (current plus not yet re-wrapped). */
const MAX_CACHED_VERSIONS = 32;

/**
 * A key-encryption key held in Azure Key Vault: data keys are wrapped and unwrapped by the vault
 * with RSA-OAEP-256, so the private key never leaves it. `keyVersion` is the Key Vault version id
 * of the key that wrapped; after a rotation new wraps use the new version and old versions keep
 * unwrapping until they are disabled.
 *
 * The current version is read with `KeyClient.getKey` and reused for `currentVersionTtlMs`, so a
 * rotation reaches new wraps within that time. One `CryptographyClient` is kept per version.
 * Needs the `Key Vault Crypto User` role (get, wrapKey, unwrapKey) on the key.
 *
 * @throws Error at construction when the vault URL or options are unsafe (see
 * `assertKeyVaultClientOptions`) or the key name is malformed.
 * Every operation throws AppError CRYPTO_KEY_UNAVAILABLE when the key or version is missing,
 * access is denied, the vault is unreachable or the wrapped key does not decrypt; the message
 * names no vault, key or version.
 */
export function createKeyVaultKek(options: KeyVaultKekOptions): KeyEncryptionKeyProvider {
  assertKeyVaultClientOptions(options.vaultUrl, options.clientOptions);
  if (!KEY_NAME_PATTERN.test(options.keyName)) {
    throw new Error('Invalid configuration: malformed Key Vault key name');
  }
  const { vaultUrl, keyName, credential, clientOptions = {} } = options;
  const ttlMs = options.currentVersionTtlMs ?? DEFAULT_VERSION_TTL_MS;
  const keyClient = new KeyClient(vaultUrl, credential, clientOptions);
  const cryptoClients = new Map<string, CryptographyClient>();
  let current: { version: string; readAt: number } | undefined;

  const cryptoClient = (version: string): CryptographyClient => {
    if (!VERSION_PATTERN.test(version)) {
      throw new AppError('CRYPTO_KEY_UNAVAILABLE', 'Unknown key-encryption key version format');
    }
    let client = cryptoClients.get(version);
    if (client === undefined) {
      const keyId = `${keyClient.vaultUrl}/keys/${keyName}/${version}`;
      client = new CryptographyClient(keyId, credential, clientOptions);
      if (cryptoClients.size >= MAX_CACHED_VERSIONS) {
        const oldest = cryptoClients.keys().next();
        if (oldest.done !== true) cryptoClients.delete(oldest.value);
      }
      cryptoClients.set(version, client);
    }
    return client;
  };

  const currentVersion = async (): Promise<string> => {
    if (current !== undefined && Date.now() - current.readAt < ttlMs) return current.version;
    try {
      const key = await keyClient.getKey(keyName);
      const version = key.properties.version ?? '';
      if (key.properties.enabled === false || !VERSION_PATTERN.test(version)) {
        throw new AppError('CRYPTO_KEY_UNAVAILABLE', 'Key-encryption key disabled or unversioned');
      }
      current = { version, readAt: Date.now() };
      return version;
    } catch (error) {
      throw toKeyVaultFailure('getKey', error);
    }
  };

  return {
    currentVersion,

    async wrap(dataKey: Uint8Array): Promise<WrappedKey> {
      const version = await currentVersion();
      try {
        const result = await cryptoClient(version).wrapKey(WRAP_ALGORITHM, dataKey);
        return { keyVersion: version, wrapped: result.result };
      } catch (error) {
        throw toKeyVaultFailure('wrapKey', error);
      }
    },

    async unwrap(key: WrappedKey): Promise<Uint8Array> {
      try {
        const result = await cryptoClient(key.keyVersion).unwrapKey(WRAP_ALGORITHM, key.wrapped);
        return result.result;
      } catch (error) {
        throw toKeyVaultFailure('unwrapKey', error);
      }
    },
  };
}
