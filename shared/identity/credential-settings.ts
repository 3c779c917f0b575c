import { z } from 'zod';

import { isAzureRuntime } from '../config/app-config.js';
import { parseEnv } from '../config/parse-env.js';

/**
 * Which credential the instance uses, chosen by configuration and nothing else:
 * `managed-identity` is the user-assigned identity named by its client id, `local` is the
 * in-process {@link LocalDevCredential} for local peers.
 */
export type CredentialSettings =
  { readonly mode: 'managed-identity'; readonly clientId: string } | { readonly mode: 'local' };

const EnvSchema = z.object({
  EDS_CREDENTIAL: z.enum(['managed-identity', 'local']).optional(),
  EDS_MANAGED_IDENTITY_CLIENT_ID: z.uuid().optional(),
});

/**
 * Reads `EDS_CREDENTIAL` and `EDS_MANAGED_IDENTITY_CLIENT_ID` once, at cold start. The mode
 * defaults to `managed-identity` in Azure and `local` elsewhere.
 *
 * @throws Error naming the variable (never its value) when a value is malformed, when the
 * managed identity has no client id, or when `local` is asked for in Azure.
 */
export function loadCredentialSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
): CredentialSettings {
  const settings = parseEnv(EnvSchema, env);
  const azure = isAzureRuntime(env);
  const mode = settings.EDS_CREDENTIAL ?? (azure ? 'managed-identity' : 'local');
  if (mode === 'local') {
    if (azure) throw new Error('Invalid configuration: EDS_CREDENTIAL=local is refused in Azure');
    return { mode };
  }
  const clientId = settings.EDS_MANAGED_IDENTITY_CLIENT_ID;
  if (clientId === undefined) {
    throw new Error('Invalid configuration: EDS_MANAGED_IDENTITY_CLIENT_ID is required');
  }
  return { mode, clientId };
}
