import { hash } from 'node:crypto';

import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';

import type { AppConfig } from '../config/app-config.js';
import { AppError } from '../errors/app-error.js';
import { parseStrictJson } from '../http/strict-json.js';
import { isDivision, type Division } from './divisions.js';
import { createVerifiedPrincipal, type VerifiedPrincipal } from './principal.js';
import {
  APP_ONLY_ROLES,
  APP_ROLES,
  clearanceOf,
  isRole,
  permissionsOf,
  type Role,
} from './roles.js';

/** Entra signs access tokens with RS256; nothing else is accepted. */
export const ACCEPTED_ALGORITHMS = ['RS256'] as const;

/** Header parameters that would let a token name its own key: never honoured, always refused. */
const KEY_BEARING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;
/**
 * A compact JWS as RFC 7515 writes it: three base64url segments without padding (the signature
 * may be empty: an unsigned token is then refused for its algorithm). A decoder that tolerates
 * `=` would let one token be presented under several spellings.
 */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly tenantId: string;
  readonly maxTokenBytes: number;
  readonly maxTokenAgeSeconds: number;
  readonly clockSkewSeconds: number;
  /** The key source; in production the issuer's JWKS, cached for ten minutes at a time. */
  readonly keys: JWTVerifyGetKey;
  /** Fixed "now" for tests. */
  readonly currentDate?: () => Date;
  /** Verified tokens remembered until they expire; 0 turns the cache off. Default 10,000. */
  readonly cacheSize?: number;
}

interface CachedPrincipal {
  readonly principal: VerifiedPrincipal;
  readonly notBefore: number;
  readonly expires: number;
}

export interface TokenVerifier {
  /**
   * Verifies a compact JWS access token and returns the caller.
   *
   * @throws AppError AUTH_TOKEN_INVALID for every fault of the token; `message` carries jose's
   * code for the operational log, never the token or its claims.
   * @throws AppError AUTH_UNAVAILABLE (503, retry after 5 s) when the issuer's keys cannot be
   * fetched, whatever the token.
   */
  verify(token: string): Promise<VerifiedPrincipal>;
}

const ClaimsSchema = z.object({
  // jose accepts an array naming our audience among others; an Entra access token has one.
  aud: z.string(),
  tid: z.string().min(1),
  oid: z.string().uuid(),
  sub: z.string().min(1),
  ver: z.literal('2.0'),
  roles: z.array(z.string()).max(64).optional(),
  idtyp: z.enum(['app', 'user']).optional(),
  scp: z.string().max(4096).optional(),
  divisions: z.array(z.string()).max(64).optional(),
  exp: z.number(),
  nbf: z.number(),
  iat: z.number(),
});

/** Seconds a caller should wait after the issuer's keys could not be fetched. */
const KEYS_RETRY_AFTER_SECONDS = 5;

/**
 * Whether verification failed for want of the issuer's keys (the JWKS fetch timed out, failed,
 * answered other than 200 or not a key set) rather than because of the token: the caller's token
 * may be fine, so that is 503 with a retry, not 401 (which tells a client to drop its token).
 */
function isKeySourceFailure(cause: joseErrors.JOSEError): boolean {
  return (
    cause instanceof joseErrors.JWKSTimeout ||
    cause instanceof joseErrors.JWKSInvalid ||
    cause.code === 'ERR_JOSE_GENERIC'
  );
}

/**
 * Creates the remote JWKS key source: fetched on first use, kept for ten minutes, then fetched
 * again on the next use; refetched on an unknown `kid` no more often than the cooldown allows.
 */
export function createIssuerKeySource(jwksUri: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUri), {
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: 5_000,
  });
}

/** The verifier settings the configuration fixes; only the key source differs by caller. */
export function verifierOptionsFrom(
  config: AppConfig,
): Omit<TokenVerifierOptions, 'keys' | 'currentDate' | 'cacheSize'> {
  return {
    issuer: config.issuer,
    audience: config.audience,
    tenantId: config.tenantId,
    maxTokenBytes: config.maxTokenBytes,
    maxTokenAgeSeconds: config.maxTokenAgeSeconds,
    clockSkewSeconds: config.clockSkewSeconds,
  };
}

function rejectToken(reason: string, cause?: unknown): AppError {
  return new AppError('AUTH_TOKEN_INVALID', `token rejected: ${reason}`, {
    cause,
    details: { reason },
  });
}

/**
 * Whether a segment is the one spelling of its bytes: the spare low bits of its last character
 * are zero. Only the signature needs it (the others are signed as written): a decoder ignoring
 * those bits reads 16 spellings of a 2048-bit RS256 signature as one.
 */
function isCanonicalBase64url(segment: string): boolean {
  return Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

/**
 * Refuses a signed token whose header or claims read differently to different JSON parsers: a
 * repeated member (`divisions` twice: jose keeps the last, another parser the first), a
 * prototype-shaped name, or a number that does not read as written. Entra writes none of these;
 * a token that has one was made by someone holding the signing key.
 */
function assertStrictJson(token: string): void {
  const [header = '', claims = ''] = token.split('.', 2);
  for (const segment of [header, claims]) {
    try {
      parseStrictJson(Buffer.from(segment, 'base64url').toString('utf8'));
    } catch (cause) {
      throw rejectToken('json_not_strict', cause);
    }
  }
}

function assertSafeHeader(token: string): void {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
  } catch (cause) {
    throw rejectToken('malformed_header', cause);
  }
  if (KEY_BEARING_HEADERS.some((name) => name in header)) {
    throw rejectToken('key_bearing_header');
  }
  if (!(ACCEPTED_ALGORITHMS as readonly unknown[]).includes(header['alg'])) {
    throw rejectToken('algorithm_not_allowed');
  }
  // Entra access tokens say `JWT`; anything else (an ID token profile, a JWE) is not ours.
  if (
    header['typ'] !== undefined &&
    (typeof header['typ'] !== 'string' || header['typ'].toUpperCase() !== 'JWT')
  ) {
    throw rejectToken('type_not_allowed');
  }
}

/** One scope name as Entra writes it: visible ASCII, no space (`access_as_user`). */
const SCOPE_NAME = /^[\x21-\x7e]+$/;

/**
 * Whether a person or an application holds the token. Entra gives every delegated token its
 * scopes (`scp`, names separated by spaces); a client-credentials token has none, and says
 * `idtyp: app` only where that optional claim is configured. So only a token naming at least one
 * scope, and not calling itself an app's, is a person's: anything else (blank or invisible
 * characters in `scp` included) gets no more than the roles an application may hold.
 */
function kindOf(claims: {
  readonly idtyp?: string | undefined;
  readonly scp?: string | undefined;
}): 'user' | 'app' {
  const hasScopes = (claims.scp ?? '').split(' ').some((scope) => SCOPE_NAME.test(scope));
  return hasScopes && claims.idtyp !== 'app' ? 'user' : 'app';
}

function rolesFor(claimed: readonly string[], kind: 'user' | 'app'): Role[] {
  const known = claimed.filter(isRole);
  // A role on the wrong kind of principal means a misassignment in Entra; it grants nothing.
  return kind === 'app'
    ? known.filter((role) => APP_ROLES.includes(role))
    : known.filter((role) => !APP_ONLY_ROLES.includes(role));
}

/**
 * Builds the verifier the pipeline uses. Configuration errors surface at cold start.
 *
 * A token that verified is remembered, keyed by its SHA-256, until its `exp`: a client reusing
 * its token costs one hash, not one RSA verification. The cached answer is still refused outside
 * the token's own `nbf`..`exp` window, so caching never extends a token's life.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const now = options.currentDate;
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = new Map<string, CachedPrincipal>();
  const skewMs = options.clockSkewSeconds * 1000;

  const remember = (key: string, entry: CachedPrincipal): void => {
    if (cacheSize === 0) return;
    if (cache.size >= cacheSize) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(key, entry);
  };

  return {
    async verify(token) {
      if (token.length > options.maxTokenBytes) throw rejectToken('oversized');
      const key = hash('sha256', token, 'base64url');
      const cached = cache.get(key);
      const at = (now?.() ?? new Date()).getTime();
      if (cached !== undefined) {
        if (at - skewMs < cached.expires && at + skewMs >= cached.notBefore)
          return cached.principal;
        cache.delete(key);
      }
      const verified = await verifyUncached(token);
      remember(key, verified);
      return verified.principal;
    },
  };

  async function verifyUncached(token: string): Promise<CachedPrincipal> {
    if (
      !COMPACT_JWS.test(token) ||
      !isCanonicalBase64url(token.slice(token.lastIndexOf('.') + 1))
    ) {
      throw rejectToken('not_compact_jws');
    }
    assertSafeHeader(token);
    let payload: unknown;
    try {
      const result = await jwtVerify(token, options.keys, {
        algorithms: [...ACCEPTED_ALGORITHMS],
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['exp', 'iat', 'nbf', 'tid', 'oid', 'sub', 'ver'],
        maxTokenAge: options.maxTokenAgeSeconds,
        clockTolerance: options.clockSkewSeconds,
        ...(now === undefined ? {} : { currentDate: now() }),
      });
      payload = result.payload;
    } catch (cause) {
      // jose throws its own errors for every token fault; anything else came from the fetch.
      if (!(cause instanceof joseErrors.JOSEError) || isKeySourceFailure(cause)) {
        throw new AppError('AUTH_UNAVAILABLE', 'Token signing keys unavailable', {
          cause,
          details: { retryAfterSeconds: KEYS_RETRY_AFTER_SECONDS },
        });
      }
      throw rejectToken(cause.code, cause);
    }
    assertStrictJson(token);
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) throw rejectToken('claims_shape');
    if (claims.data.tid !== options.tenantId) throw rejectToken('tenant_mismatch');
    const kind = kindOf(claims.data);
    const roles = rolesFor(claims.data.roles ?? [], kind);
    const divisions = (claims.data.divisions ?? []).filter((code): code is Division =>
      isDivision(code),
    );
    const principal = createVerifiedPrincipal({
      id: claims.data.oid,
      tenantId: claims.data.tid,
      kind,
      roles,
      permissions: permissionsOf(roles),
      divisions: [...new Set(divisions)],
      clearance: clearanceOf(roles),
    });
    const maxAgeEnd = (claims.data.iat + options.maxTokenAgeSeconds) * 1000;
    const expires = Math.min(claims.data.exp * 1000, maxAgeEnd);
    return { principal, notBefore: claims.data.nbf * 1000, expires };
  }
}
