import { vi } from 'vitest';

/**
 * Environment variables that could route a token or data request somewhere other than a local
 * peer (identity sources, proxies) or weaken TLS verification. Tests remove all of them.
 */
export const ROUTING_VARIABLES = [
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'IDENTITY_SERVER_THUMBPRINT',
  'IDENTITY_API_VERSION',
  'MSI_ENDPOINT',
  'MSI_SECRET',
  'IMDS_ENDPOINT',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_AUTHORITY_HOST',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
  'no_proxy',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'WEBSITE_INSTANCE_ID',
  'WEBSITE_SITE_NAME',
  'CONTAINER_NAME',
] as const;

/**
 * Removes every {@link ROUTING_VARIABLES} entry for the current test file (undo with
 * `vi.unstubAllEnvs()`), so nothing left over in the shell can send traffic off the machine.
 * For tests only.
 */
export function stubHermeticEnv(): void {
  for (const name of ROUTING_VARIABLES) vi.stubEnv(name, undefined);
}
