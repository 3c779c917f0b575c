import type { AuditTrail } from '../audit/audit-event.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { AppConfig } from '../config/app-config.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { KeyEncryptionKeyProvider } from '../crypto/key-encryption-key.js';
import type { AppDatabase } from '../db/app-database.js';
import type { RateLimiter } from '../http/rate-limiter.js';
import type { SecretSource } from '../keyvault/key-vault-secret-source.js';
import type { Logger } from '../logging/logger.js';

/** The public face of the development issuer, served by the local host only. */
export interface IssuerDocuments {
  discovery(): Record<string, unknown>;
  jwks(): { keys: readonly Record<string, unknown>[] };
}

/** Asynchronous work handed to queue functions: Service Bus in Azure, in-process locally. */
export interface MessageSender {
  send(queueName: string, message: unknown, options?: { messageId?: string }): Promise<void>;
}

/** Everything a handler may reach, built once per instance. */
export interface Services {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly verifier: TokenVerifier;
  readonly rateLimiter: RateLimiter;
  readonly audit: AuditTrail;
  readonly db: AppDatabase;
  readonly cipher: FieldCipher;
  /** The key-encryption key behind `cipher`, for key rotation. */
  readonly kek: KeyEncryptionKeyProvider;
  readonly messages: MessageSender;
  /** Key Vault secrets (API keys such as Elasticsearch's), read with the instance's identity. */
  readonly secrets?: SecretSource;
  /** Present only when the local host runs the development issuer. */
  readonly issuer?: IssuerDocuments;
}

type ServicesFactory = () => Promise<Services>;

let factory: ServicesFactory | undefined;
let pending: Promise<Services> | undefined;

/**
 * Sets how services are built. The local host and tests install theirs before serving; in Azure
 * the first invocation builds the production set from configuration.
 */
export function installServices(next: ServicesFactory): void {
  factory = next;
  pending = undefined;
}

/** The instance's services, built on first use and shared by every invocation after. */
export function getServices(): Promise<Services> {
  if (pending === undefined) {
    const build = factory ?? createProductionServices;
    pending = build().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
  }
  return pending;
}

async function createProductionServices(): Promise<Services> {
  // Loaded on first invocation, not at import: the Azure SDKs would otherwise weigh on the cold
  // start of every function, including those that never touch a store.
  const { createAzureServices } = await import('./azure-services.js');
  return createAzureServices();
}
