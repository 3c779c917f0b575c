import { randomBytes } from 'node:crypto';

import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * Every token the local credential issues starts with this, so a peer given `isLocalDevToken` as
 * its check (as the adapter tests give the Key Vault peer) accepts it and nothing else.
 */
export const LOCAL_DEV_TOKEN_PREFIX = 'eds-local-dev.';

const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/** True when `token` was issued by a {@link LocalDevCredential}. */
export function isLocalDevToken(token: string): boolean {
  return token.startsWith(LOCAL_DEV_TOKEN_PREFIX) && token.length > LOCAL_DEV_TOKEN_PREFIX.length;
}

/**
 * The credential of a local run: issues opaque random bearer tokens, in process, that only the
 * local peers (Key Vault, Cosmos DB, managed identity) accept. It makes no network call of any
 * kind, so it cannot reach Entra ID or the instance metadata address.
 *
 * > [!WARNING]
 * > Its tokens are not JWTs and prove nothing; a real Azure service rejects them.
 * > `createAppCredential` never returns this credential when the app runs in Azure.
 */
export class LocalDevCredential implements TokenCredential {
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    const list = typeof scopes === 'string' ? [scopes] : scopes;
    if (list.length === 0 || list.some((scope) => scope.length === 0)) {
      throw new Error('LocalDevCredential needs at least one non-empty scope');
    }
    return {
      token: `${LOCAL_DEV_TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`,
      expiresOnTimestamp: Date.now() + TOKEN_LIFETIME_MS,
      tokenType: 'Bearer',
    };
  }
}
