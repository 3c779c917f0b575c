import { z } from 'zod';

import { parseEnv } from './parse-env.js';

/**
 * Where the app runs. `azure` is inferred from the platform's own variables, not from a flag a
 * developer could forget: the development issuer and the local key ring refuse to start there.
 */
export type Runtime = 'local' | 'azure';

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
);

const EnvSchema = z.object({
  EDS_TENANT_ID: z.string().uuid().default('6f1d7a4e-0c1b-4e55-9a55-6d2f1e0de5a1'),
  EDS_AUDIENCE: z.string().min(1).default('api://eds-backend'),
  /** Exact issuer; defaults to the local development issuer for the tenant. */
  EDS_ISSUER: z.string().url().optional(),
  EDS_JWKS_URI: z.string().url().optional(),
  EDS_PORT: z.coerce.number().int().min(0).max(65535).default(7071),
  EDS_PUBLIC_BASE_URL: z.string().url().optional(),
  EDS_DATA_DIR: z.string().min(1).default('.data'),
  EDS_CORS_ORIGINS: csv.default(['http://localhost:3000', 'http://localhost:5173']),
  EDS_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(262_144),
  EDS_MAX_TOKEN_BYTES: z.coerce.number().int().min(1024).max(65_536).default(8192),
  EDS_MAX_TOKEN_AGE_SECONDS: z.coerce.number().int().min(60).max(86_400).default(86_400),
  EDS_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
  EDS_RATE_LIMIT_PER_PRINCIPAL: z.coerce.number().int().min(1).default(600),
  EDS_RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(1200),
  EDS_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Proxies that append to `X-Forwarded-For` before the app: App Service's front end (1). */
  EDS_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(1).max(5).default(1),
  EDS_AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).default(100),
  EDS_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Postgres URL for `npm run db:migrate` and `npm run audit:verify`; the app never reads it. */
  EDS_PG_URL: z.string().optional(),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().optional(),
  WEBSITE_INSTANCE_ID: z.string().optional(),
  WEBSITE_SITE_NAME: z.string().optional(),
});

export type AppEnv = z.infer<typeof EnvSchema>;

export interface AppConfig {
  readonly runtime: Runtime;
  readonly tenantId: string;
  readonly audience: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly port: number;
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly corsOrigins: readonly string[];
  readonly maxBodyBytes: number;
  readonly maxTokenBytes: number;
  readonly maxTokenAgeSeconds: number;
  readonly clockSkewSeconds: number;
  readonly rateLimit: {
    readonly perPrincipal: number;
    readonly perAddress: number;
    readonly windowSeconds: number;
    /** Trusted proxies in front of the app, counted from it; see `clientAddressOf`. */
    readonly trustedProxyHops: number;
  };
  readonly auditCheckpointEvery: number;
  readonly logLevel: AppEnv['EDS_LOG_LEVEL'];
  readonly pgUrl: string | undefined;
  readonly appInsightsConnectionString: string | undefined;
}

/**
 * True when the process runs on Azure App Service / Functions infrastructure, which always sets
 * `WEBSITE_INSTANCE_ID` and `WEBSITE_SITE_NAME`. (`CONTAINER_NAME` is not a signal: ordinary
 * container sandboxes set it too.)
 */
export function isAzureRuntime(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env['WEBSITE_INSTANCE_ID'] || env['WEBSITE_SITE_NAME']);
}

/** The development issuer's URL for a tenant, on the local host. */
export function devIssuerUrl(baseUrl: string, tenantId: string): string {
  return `${baseUrl}/api/dev-issuer/${tenantId}/v2.0`;
}

/**
 * Reads configuration from the environment once, at cold start.
 *
 * @throws Error naming the bad variables (never their values) when the environment is invalid,
 * or when the app runs in Azure without an explicit issuer and JWKS address.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): AppConfig {
  const e = parseEnv(EnvSchema, env);
  const runtime: Runtime = isAzureRuntime(env) ? 'azure' : 'local';
  if (runtime === 'azure' && (e.EDS_ISSUER === undefined || e.EDS_JWKS_URI === undefined)) {
    throw new Error('Invalid configuration: EDS_ISSUER and EDS_JWKS_URI are required in Azure');
  }
  const baseUrl = e.EDS_PUBLIC_BASE_URL ?? `http://localhost:${e.EDS_PORT}`;
  const issuer = e.EDS_ISSUER ?? devIssuerUrl(baseUrl, e.EDS_TENANT_ID);
  return {
    runtime,
    tenantId: e.EDS_TENANT_ID,
    audience: e.EDS_AUDIENCE,
    issuer,
    jwksUri: e.EDS_JWKS_URI ?? `${issuer}/discovery/keys`,
    port: e.EDS_PORT,
    baseUrl,
    dataDir: e.EDS_DATA_DIR,
    corsOrigins: e.EDS_CORS_ORIGINS,
    maxBodyBytes: e.EDS_MAX_BODY_BYTES,
    maxTokenBytes: e.EDS_MAX_TOKEN_BYTES,
    maxTokenAgeSeconds: e.EDS_MAX_TOKEN_AGE_SECONDS,
    clockSkewSeconds: e.EDS_CLOCK_SKEW_SECONDS,
    rateLimit: {
      perPrincipal: e.EDS_RATE_LIMIT_PER_PRINCIPAL,
      perAddress: e.EDS_RATE_LIMIT_PER_ADDRESS,
      windowSeconds: e.EDS_RATE_LIMIT_WINDOW_SECONDS,
      trustedProxyHops: e.EDS_TRUSTED_PROXY_HOPS,
    },
    auditCheckpointEvery: e.EDS_AUDIT_CHECKPOINT_EVERY,
    logLevel: e.EDS_LOG_LEVEL,
    pgUrl: e.EDS_PG_URL,
    appInsightsConnectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING,
  };
}
