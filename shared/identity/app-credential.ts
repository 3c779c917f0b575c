import { ManagedIdentityCredential, type TokenCredential } from '@azure/identity';

import { isAzureRuntime } from '../config/app-config.js';
import type { CredentialSettings } from './credential-settings.js';
import { LocalDevCredential } from './local-dev-credential.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The instance metadata address, as URL parsing normalises it (IPv4, IPv4-mapped IPv6). */
const IMDS_HOSTS = new Set(['169.254.169.254', '[::ffff:a9fe:a9fe]']);

/**
 * Variables that make the identity library pick a source ahead of the App Service token protocol:
 * Service Fabric, and the AKS token exchange. Sources it tries after App Service (Machine
 * Learning, Cloud Shell, Azure Arc, the metadata address) are unreachable once App Service's
 * variables are set, and App Service itself sets the legacy `MSI_ENDPOINT`/`MSI_SECRET`.
 */
const PRECEDING_IDENTITY_VARIABLES = ['IDENTITY_SERVER_THUMBPRINT', 'AZURE_FEDERATED_TOKEN_FILE'];

/**
 * Checks that a managed-identity token request can only take the App Service token protocol
 * (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`), which Azure Functions always sets. Without these
 * the identity library falls back to the instance metadata address; this refuses instead.
 *
 * @throws Error naming the variable (never its value) when the environment would select another
 * source or the endpoint is not an http(s) URL away from the metadata address.
 */
export function assertAppServiceIdentityEnvironment(env: Env = process.env): void {
  const endpoint = env['IDENTITY_ENDPOINT'];
  if (!endpoint || !env['IDENTITY_HEADER']) {
    throw new Error('Managed identity needs IDENTITY_ENDPOINT and IDENTITY_HEADER');
  }
  const foreign = PRECEDING_IDENTITY_VARIABLES.find((name) => env[name] !== undefined);
  if (foreign !== undefined) {
    throw new Error(`Managed identity refuses a second identity source: ${foreign} is set`);
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error('Managed identity: IDENTITY_ENDPOINT is not a URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || IMDS_HOSTS.has(url.hostname)) {
    throw new Error('Managed identity: IDENTITY_ENDPOINT is not an App Service token endpoint');
  }
}

/**
 * Builds the one credential of this instance from explicit settings. `managed-identity` is a
 * user-assigned `ManagedIdentityCredential`; `local` is the in-process {@link LocalDevCredential}.
 * `DefaultAzureCredential` and its chain are never used.
 *
 * Call it once at cold start and share the result: the identity library caches the token source
 * it picks for the whole process.
 *
 * > [!WARNING]
 * > The managed-identity path reads `process.env` (the identity library does) and refuses
 * > anything but the App Service token protocol, so it can never fall through to the instance
 * > metadata address. LIMITATION: that rules out hosting on plain VMs, AKS or Service Fabric.
 *
 * @throws Error when `local` is asked for in Azure or the managed-identity environment is unsafe.
 */
export function createAppCredential(settings: CredentialSettings): TokenCredential {
  switch (settings.mode) {
    case 'managed-identity':
      assertAppServiceIdentityEnvironment(process.env);
      return new ManagedIdentityCredential({ clientId: settings.clientId });
    case 'local':
      if (isAzureRuntime(process.env)) {
        throw new Error('The local development credential is refused in Azure');
      }
      return new LocalDevCredential();
  }
}
