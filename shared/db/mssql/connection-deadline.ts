import { decodeJwt } from 'jose';

/** How long a SQL Server connection may serve, given the access token it signed in with. */
export interface ConnectionLifetimePolicy {
  /** Retire a connection this long before its token expires. */
  readonly renewBeforeMs: number;
  /** Retire a connection this long after it was opened, whatever its token says. */
  readonly maxLifetimeMs: number;
}

function tokenExpiryMs(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The instant (epoch ms) after which a connection opened at `openedAt` with `token` must not be
 * handed out again: `renewBeforeMs` ahead of the token's `exp`, and never later than
 * `maxLifetimeMs` after opening. A token whose `exp` cannot be read (it is not a JWT) gets the
 * maximum lifetime only.
 *
 * The token is read for its expiry and nothing else: it is not verified here, the database
 * verifies it at sign-in.
 */
export function connectionDeadline(
  token: string,
  openedAt: number,
  policy: ConnectionLifetimePolicy,
): number {
  const cap = openedAt + policy.maxLifetimeMs;
  const expiry = tokenExpiryMs(token);
  return expiry === undefined ? cap : Math.min(cap, expiry - policy.renewBeforeMs);
}
