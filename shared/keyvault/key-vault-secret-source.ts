import type { TokenCredential } from '@azure/identity';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';

import { AppError } from '../errors/app-error.js';
import { assertKeyVaultClientOptions } from './key-vault-client-options.js';
import { toKeyVaultFailure } from './key-vault-failure.js';

/** One version of a secret, as last read from Key Vault. */
export interface SecretValue {
  readonly name: string;
  /** Key Vault version id; changes when the secret is rotated. */
  readonly version: string;
  /**
   * > [!WARNING]
   * > The secret itself: never log it, put it in an error, an audit event or a response.
   */
  readonly value: string;
}

/** Named secrets (API keys, connection secrets) with caching and rotation pick-up. */
export interface SecretSource {
  /**
   * The latest version of a secret, from cache while it is younger than the refresh interval.
   *
   * @throws AppError CRYPTO_KEY_UNAVAILABLE when the secret is missing, access is denied or the
   * vault is unreachable at a refresh; the message names no vault or secret.
   */
  getSecret(name: string): Promise<SecretValue>;
}

/** Options of {@link createKeyVaultSecretSource}. */
export interface KeyVaultSecretSourceOptions {
  readonly vaultUrl: string;
  readonly credential: TokenCredential;
  readonly clientOptions?: SecretClientOptions;
  /** How long a read secret is served before Key Vault is asked again; 5 minutes. */
  readonly refreshAfterMs?: number;
}

interface CacheEntry {
  readonly secret: SecretValue;
  readonly readAt: number;
}

const DEFAULT_REFRESH_AFTER_MS = 5 * 60 * 1000;
const SECRET_NAME_PATTERN = /^[0-9A-Za-z-]{1,127}$/;

/**
 * Reads secrets from Azure Key Vault with `@azure/keyvault-secrets`, caching each by name. Once
 * an entry is older than `refreshAfterMs` the next read asks the vault for the latest version:
 * an unchanged version keeps the cached value, a new version replaces it, so after a rotation
 * the old value is served for at most `refreshAfterMs`. Concurrent reads share one request.
 * Needs the `Key Vault Secrets User` role.
 *
 * LIMITATION: a failed refresh fails the read rather than serving the stale value, so a Key Vault
 * outage longer than `refreshAfterMs` reaches callers as CRYPTO_KEY_UNAVAILABLE (503).
 *
 * @throws Error at construction when the vault URL or options are unsafe; Error from
 * `getSecret` when the name is malformed (a programming error, not a caller's).
 */
export function createKeyVaultSecretSource(options: KeyVaultSecretSourceOptions): SecretSource {
  assertKeyVaultClientOptions(options.vaultUrl, options.clientOptions);
  const client = new SecretClient(options.vaultUrl, options.credential, options.clientOptions);
  const refreshAfterMs = options.refreshAfterMs ?? DEFAULT_REFRESH_AFTER_MS;
  const cache = new Map<string, CacheEntry>();
  const pending = new Map<string, Promise<SecretValue>>();

  const read = async (name: string): Promise<SecretValue> => {
    try {
      const secret = await client.getSecret(name);
      const version = secret.properties.version;
      if (
        secret.value === undefined ||
        version === undefined ||
        secret.properties.enabled === false
      ) {
        throw new AppError('CRYPTO_KEY_UNAVAILABLE', 'Secret has no enabled, versioned value');
      }
      const cached = cache.get(name)?.secret;
      const fresh = cached?.version === version ? cached : { name, version, value: secret.value };
      cache.set(name, { secret: fresh, readAt: Date.now() });
      return fresh;
    } catch (error) {
      throw toKeyVaultFailure('getSecret', error);
    }
  };

  return {
    async getSecret(name) {
      if (!SECRET_NAME_PATTERN.test(name)) throw new Error('Malformed Key Vault secret name');
      const entry = cache.get(name);
      if (entry !== undefined && Date.now() - entry.readAt < refreshAfterMs) return entry.secret;
      let inFlight = pending.get(name);
      if (inFlight === undefined) {
        inFlight = read(name).finally(() => pending.delete(name));
        pending.set(name, inFlight);
      }
      return inFlight;
    },
  };
}
