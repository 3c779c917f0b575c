import { Agent } from 'node:https';

import { CosmosClient } from '@azure/cosmos';
import type { TokenCredential } from '@azure/identity';

import { isAzureRuntime } from '../config/app-config.js';

/**
 * How the app authenticates to Cosmos DB: a Microsoft Entra credential (the only choice in
 * Azure, where local auth is disabled on the account), or the account key of the local server.
 */
export type CosmosAuth =
  | { readonly credential: TokenCredential; readonly key?: never }
  | { readonly key: string; readonly credential?: never };

/** Connection settings of {@link createCosmosClient}. */
export type CosmosClientSettings = CosmosAuth & {
  /** `https://<account>.documents.azure.com` or the local peer's `https://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Extra CA (PEM) to trust, for the local peer's generated certificate; TLS checks stay on. */
  readonly ca?: string;
};

/** An SDK client and the way to release its sockets. */
export interface OwnedCosmosClient {
  readonly client: CosmosClient;
  readonly usesKey: boolean;
  dispose(): void;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Builds a `CosmosClient` for one endpoint. With a credential the SDK sends Entra tokens
 * (`type=aad`); with a key it signs requests with the account key.
 *
 * > [!WARNING]
 * > Key authentication is refused when the app runs in Azure and for any endpoint that is not
 * > loopback: it exists only for the local Cosmos server. A `ca` is trusted in addition to the
 * > system CAs and only by this client's agent; certificate verification is never turned off.
 *
 * Endpoint discovery is off for a loopback endpoint (the local server has no regions).
 *
 * @throws Error (never naming the endpoint or key) when the endpoint is not https, or key
 * authentication is asked for outside a local run against loopback.
 */
export function createCosmosClient(
  settings: CosmosClientSettings,
  env: Readonly<Record<string, string | undefined>> = process.env,
): OwnedCosmosClient {
  const url = URL.canParse(settings.endpoint) ? new URL(settings.endpoint) : undefined;
  if (url === undefined || url.protocol !== 'https:') {
    throw new Error('Invalid configuration: the Cosmos DB endpoint must be an https URL');
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (settings.key !== undefined && (isAzureRuntime(env) || !loopback)) {
    throw new Error('Invalid configuration: Cosmos DB key auth is for the local server only');
  }
  const agent =
    settings.ca === undefined
      ? undefined
      : new Agent({ ca: settings.ca, keepAlive: true, minVersion: 'TLSv1.2' });
  const auth =
    settings.key !== undefined ? { key: settings.key } : { aadCredentials: settings.credential };
  const client = new CosmosClient({
    endpoint: settings.endpoint,
    ...auth,
    ...(agent === undefined ? {} : { agent }),
    connectionPolicy: { enableEndpointDiscovery: !loopback },
  });
  return {
    client,
    usesKey: settings.key !== undefined,
    dispose: () => {
      client.dispose();
      agent?.destroy();
    },
  };
}
