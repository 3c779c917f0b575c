import { isAzureRuntime } from '../config/app-config.js';

/** The Key Vault client options this app decides on; the SDK accepts more. */
export interface KeyVaultClientSafetyOptions {
  readonly disableChallengeResourceVerification?: boolean;
}

const VAULT_DOMAINS = ['.vault.azure.net', '.vault.usgovcloudapi.net'];

/**
 * Checks a vault URL and client options at cold start. In Azure the vault must be an
 * `https://<name>.vault.azure.net` (or Azure Government) URL and the challenge resource check
 * stays on, so a token for Key Vault can only be presented to Key Vault; the check may be turned
 * off only for the local peer.
 *
 * @throws Error (never naming the vault) on a non-https URL or an option refused in Azure.
 */
export function assertKeyVaultClientOptions(
  vaultUrl: string,
  options: KeyVaultClientSafetyOptions | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  const url = URL.canParse(vaultUrl) ? new URL(vaultUrl) : undefined;
  if (url === undefined || url.protocol !== 'https:') {
    throw new Error('Invalid configuration: the Key Vault URL must be an https URL');
  }
  if (!isAzureRuntime(env)) return;
  if (!VAULT_DOMAINS.some((domain) => url.hostname.endsWith(domain))) {
    throw new Error('Invalid configuration: the Key Vault URL is not a Key Vault domain');
  }
  if (options?.disableChallengeResourceVerification === true) {
    throw new Error('Invalid configuration: challenge resource verification is required in Azure');
  }
}
