import type { ConnectionConfiguration } from 'tedious';

/** What a tedious connection to Azure SQL needs besides the access token. */
export interface TediousTarget {
  /** Server host name, `<name>.database.windows.net` (or its private-link alias). */
  readonly server: string;
  readonly database: string;
  /** 1433 when absent. */
  readonly port?: number;
  /** Sign-in ceiling; 15 s when absent. */
  readonly connectTimeoutMs?: number;
  /** Per-statement ceiling; a slower statement fails as a timeout (STORE_UNAVAILABLE). */
  readonly requestTimeoutMs?: number;
}

/**
 * The tedious configuration of one connection: Entra access-token sign-in (no password exists),
 * encryption required with the server certificate verified against the host name, TLS 1.2 at
 * least.
 *
 * > [!WARNING]
 * > The result holds a bearer token: never log it or put it in an error.
 */
export function tediousConnectionConfig(
  target: TediousTarget,
  token: string,
): ConnectionConfiguration {
  return {
    server: target.server,
    authentication: { type: 'azure-active-directory-access-token', options: { token } },
    options: {
      database: target.database,
      port: target.port ?? 1433,
      encrypt: true,
      trustServerCertificate: false,
      cryptoCredentialsDetails: { minVersion: 'TLSv1.2' },
      connectTimeout: target.connectTimeoutMs ?? 15_000,
      requestTimeout: target.requestTimeoutMs ?? 15_000,
      // Kysely's SQL Server compiler quotes identifiers with double quotes.
      enableQuotedIdentifier: true,
      abortTransactionOnError: true,
      appName: 'eds-backend',
    },
  };
}
