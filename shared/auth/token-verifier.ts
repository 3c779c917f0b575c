import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';

import { AppError } from '../errors/app-error.js';
import { isDivision, type Division } from './divisions.js';
import { createVerifiedPrincipal, type VerifiedPrincipal } from './principal.js';
import { APP_ONLY_ROLES, clearanceOf, isRole, permissionsOf, type Role } from './roles.js';

/** Entra signs access tokens with RS256; nothing else is accepted. */
export const ACCEPTED_ALGORITHMS = ['RS256'] as const;

/** Header parameters that would let a token name its own key: never honoured, always refused. */
const KEY_BEARING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly tenantId: string;
  readonly maxTokenBytes: number;
  readonly maxTokenAgeSeconds: number;
  readonly clockSkewSeconds: number;
  /** The key source; in production the issuer's JWKS, fetched once and cached. */
  readonly keys: JWTVerifyGetKey;
  /** Fixed "now" for tests. */
  readonly currentDate?: () => Date;
}

export interface TokenVerifier {
  /**
   * Verifies a compact JWS access token and returns the caller.
   *
   * @throws AppError AUTH_TOKEN_INVALID for every failure; `message` carries jose's code for the
   * operational log, never the token or its claims.
   */
  verify(token: string): Promise<VerifiedPrincipal>;
}

const ClaimsSchema = z.object({
  tid: z.string().min(1),
  oid: z.string().uuid(),
  sub: z.string().min(1),
  ver: z.literal('2.0'),
  roles: z.array(z.string()).max(64).optional(),
  idtyp: z.enum(['app', 'user']).optional(),
  divisions: z.array(z.string()).max(64).optional(),
});

/**
 * Creates the remote JWKS key source: fetched once, cached, refetched on an unknown `kid` no
 * more often than the cooldown allows.
 */
export function createIssuerKeySource(jwksUri: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUri), {
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: 5_000,
  });
}

function rejectToken(reason: string, cause?: unknown): AppError {
  return new AppError('AUTH_TOKEN_INVALID', `token rejected: ${reason}`, {
    cause,
    details: { reason },
  });
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
}

function rolesFor(claimed: readonly string[], kind: 'user' | 'app'): Role[] {
  const known = claimed.filter(isRole);
  // An app-only role in a user token means a misassignment in Entra; it grants nothing.
  return kind === 'app' ? known : known.filter((role) => !APP_ONLY_ROLES.includes(role));
}

/** Builds the verifier the pipeline uses. Configuration errors surface at cold start. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const now = options.currentDate;
  return {
    async verify(token) {
      if (token.length > options.maxTokenBytes) throw rejectToken('oversized');
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
        const code = cause instanceof joseErrors.JOSEError ? cause.code : 'verification_failed';
        throw rejectToken(code, cause);
      }
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) throw rejectToken('claims_shape');
      if (claims.data.tid !== options.tenantId) throw rejectToken('tenant_mismatch');
      const kind = claims.data.idtyp === 'app' ? 'app' : 'user';
      const roles = rolesFor(claims.data.roles ?? [], kind);
      const divisions = (claims.data.divisions ?? []).filter(isDivision) as Division[];
      return createVerifiedPrincipal({
        id: claims.data.oid,
        tenantId: claims.data.tid,
        kind,
        roles,
        permissions: permissionsOf(roles),
        divisions: [...new Set(divisions)],
        clearance: clearanceOf(roles),
      });
    },
  };
}
