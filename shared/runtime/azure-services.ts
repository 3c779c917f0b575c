import { createPrivateKey, createPublicKey } from 'node:crypto';
import { tmpdir } from 'node:os';

import { ServiceBusClient } from '@azure/service-bus';
import { calculateJwkThumbprint } from 'jose';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { z } from 'zod';

import type { AuditTables } from '../audit/audit-tables.js';
import { createPostgresAuditTrail } from '../audit/postgres-audit-trail.js';
import {
  createIssuerKeySource,
  createTokenVerifier,
  verifierOptionsFrom,
} from '../auth/token-verifier.js';
import { loadConfig } from '../config/app-config.js';
import { parseEnv } from '../config/parse-env.js';
import { createEnvelopeCipher } from '../crypto/envelope-cipher.js';
import type { AppDatabase } from '../db/app-database.js';
import { APP_ROLE } from '../db/migrations/0001-financial-records.js';
import { createPostgresAppDatabase } from '../db/postgres-app-database.js';
import { createRateLimiter } from '../http/rate-limiter.js';
import { createAppCredential } from '../identity/app-credential.js';
import { loadCredentialSettings } from '../identity/credential-settings.js';
import { createTokenCache } from '../identity/token-cache.js';
import { createKeyVaultKek } from '../keyvault/key-vault-kek.js';
import { createKeyVaultSecretSource } from '../keyvault/key-vault-secret-source.js';
import { resolveInside } from '../fs/safe-path.js';
import { createLogger, type Logger } from '../logging/logger.js';
import type { MessageSender, Services } from './services.js';
import { startTelemetry } from './telemetry.js';

/** Entra scope of Azure Database for PostgreSQL tokens. */
const POSTGRES_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

/** Tokens last 60–90 minutes; a pooled connection is retired well before its password lapses. */
const CONNECTION_LIFETIME_SECONDS = 45 * 60;

const AzureEnvSchema = z.object({
  EDS_PG_HOST: z.string().min(1),
  EDS_PG_DATABASE: z.string().min(1),
  EDS_PG_USER: z.string().min(1),
  EDS_KEYVAULT_URL: z.string().url().startsWith('https://'),
  EDS_KEYVAULT_KEY_NAME: z.string().min(1),
  EDS_AUDIT_SIGNING_SECRET_NAME: z.string().min(1).default('eds-audit-signing-key'),
  ServiceBusConnection__fullyQualifiedNamespace: z.string().min(1),
  /** Where transactional records live: Azure SQL (the design) or the PostgreSQL server. */
  EDS_RECORDS_STORE: z.enum(['sqlserver', 'postgres']).default('postgres'),
  EDS_SQL_SERVER: z.string().min(1).optional(),
  EDS_SQL_DATABASE: z.string().min(1).optional(),
});

function createServiceBusSender(client: ServiceBusClient): MessageSender {
  return {
    async send(queueName, message, options) {
      const sender = client.createSender(queueName);
      try {
        await sender.sendMessages({
          body: message,
          contentType: 'application/json',
          ...(options?.messageId === undefined ? {} : { messageId: options.messageId }),
        });
      } finally {
        await sender.close();
      }
    },
  };
}

/**
 * The transactional records store. Azure SQL when `EDS_RECORDS_STORE=sqlserver`; PostgreSQL
 * otherwise.
 *
 * LIMITATION: the write endpoints, the audit relay and the search indexer use Postgres SQL; on
 * Azure SQL reads, search filters and unmask work and writes answer 500 before touching the
 * store. PostgreSQL stays the default until the writes are ported.
 */
async function createRecordsDatabase(
  env: z.infer<typeof AzureEnvSchema>,
  poolConfig: pg.PoolConfig,
  credential: ReturnType<typeof createAppCredential>,
  logger: Logger,
): Promise<AppDatabase> {
  if (env.EDS_RECORDS_STORE === 'postgres') {
    return createPostgresAppDatabase(new pg.Pool({ ...poolConfig, max: 10 }), logger);
  }
  if (env.EDS_SQL_SERVER === undefined || env.EDS_SQL_DATABASE === undefined) {
    throw new Error('Invalid configuration: EDS_SQL_SERVER, EDS_SQL_DATABASE');
  }
  const { createAzureSqlTokenCache, createMssqlAppDatabase } =
    await import('../db/mssql/mssql-app-database.js');
  return createMssqlAppDatabase({
    server: env.EDS_SQL_SERVER,
    database: env.EDS_SQL_DATABASE,
    tokenCache: createAzureSqlTokenCache(credential),
    logger,
  });
}

/**
 * Builds the production services from app settings: the user-assigned managed identity for
 * every Azure call, Postgres with an Entra token as the password over verified TLS, Key Vault
 * for the key-encryption key and the audit signing key, Service Bus for queues.
 *
 * @throws Error naming the missing or malformed setting (never a value) at cold start.
 */
export async function createAzureServices(): Promise<Services> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const env = parseEnv(AzureEnvSchema, process.env);
  const credential = createAppCredential(loadCredentialSettings());
  await startTelemetry(config, credential);
  const pgToken = createTokenCache(credential, POSTGRES_SCOPE);
  const poolConfig = {
    host: env.EDS_PG_HOST,
    database: env.EDS_PG_DATABASE,
    user: env.EDS_PG_USER,
    password: () => pgToken.getToken(),
    ssl: { rejectUnauthorized: true, servername: env.EDS_PG_HOST },
    maxLifetimeSeconds: CONNECTION_LIFETIME_SECONDS,
    connectionTimeoutMillis: 5000,
    query_timeout: 20_000,
  };
  const db = await createRecordsDatabase(env, poolConfig, credential, logger);
  const auditPool = new pg.Pool({ ...poolConfig, max: 2 });
  auditPool.on('error', () => logger.warn('audit.pool_error', { store: 'postgres' }));
  const kek = createKeyVaultKek({
    vaultUrl: env.EDS_KEYVAULT_URL,
    keyName: env.EDS_KEYVAULT_KEY_NAME,
    credential,
  });
  const secrets = createKeyVaultSecretSource({ vaultUrl: env.EDS_KEYVAULT_URL, credential });
  const signingPem = await secrets.getSecret(env.EDS_AUDIT_SIGNING_SECRET_NAME);
  const privateKey = createPrivateKey(signingPem.value);
  const keyId = await calculateJwkThumbprint(createPublicKey(privateKey).export({ format: 'jwk' }));
  const audit = createPostgresAuditTrail(
    new Kysely<AuditTables>({ dialect: new PostgresDialect({ pool: auditPool }) }),
    {
      signingKey: { keyId, privateKey },
      checkpointEvery: config.auditCheckpointEvery,
      logger,
      // LIMITATION: the outbox sits on the instance's local disk; it survives a store outage
      // but not the loss of the instance itself before the store comes back.
      outboxDir: resolveInside(tmpdir(), 'eds-audit-outbox'),
      role: APP_ROLE,
    },
  );
  const verifier = createTokenVerifier({
    ...verifierOptionsFrom(config),
    keys: createIssuerKeySource(config.jwksUri),
  });
  const serviceBus = new ServiceBusClient(
    env.ServiceBusConnection__fullyQualifiedNamespace,
    credential,
  );
  return {
    config,
    logger,
    verifier,
    rateLimiter: createRateLimiter({ windowSeconds: config.rateLimit.windowSeconds }),
    audit,
    db,
    cipher: createEnvelopeCipher(kek),
    kek,
    secrets,
    messages: createServiceBusSender(serviceBus),
  };
}
