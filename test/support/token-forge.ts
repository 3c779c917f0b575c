import { createPrivateKey, sign as signBytes, type JsonWebKey } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  SignJWT,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';

import { loadDevSigningKey } from '../../local/dev-issuer/dev-issuer.js';
import type { TokenVerifierOptions } from '../../shared/auth/token-verifier.js';

export const TEST_TENANT = '6f1d7a4e-0c1b-4e55-9a55-6d2f1e0de5a1';
export const OTHER_TENANT = '0b7e9c1e-2f7a-4d3c-8a6e-1c2d3e4f5a6b';
export const TEST_AUDIENCE = 'api://eds-backend';
export const issuerFor = (tenant: string) => `http://localhost:7071/api/dev-issuer/${tenant}/v2.0`;
export const TEST_ISSUER = issuerFor(TEST_TENANT);

/**
 * A verifier's settings for the test tenant over `keys`, its clock five seconds after `now`
 * (seconds since the epoch, as given to `createTokenForge`).
 */
export function testVerifierOptions(keys: JWTVerifyGetKey, now: number): TokenVerifierOptions {
  return {
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    tenantId: TEST_TENANT,
    maxTokenBytes: 8192,
    maxTokenAgeSeconds: 86_400,
    clockSkewSeconds: 60,
    keys,
    currentDate: () => new Date(now * 1000 + 5000),
  };
}

/** A test's own signing key pair standing in for the issuer, plus the JWKS that publishes it. */
export interface TokenForge {
  readonly jwk: JWK & { kid: string };
  readonly keys: JWTVerifyGetKey;
  /** Signs arbitrary claims and header with the issuer's key; no checks at all. */
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  /**
   * Signs with node:crypto directly, for headers jose refuses to produce (unknown `crit`) and
   * claims as exact JSON text (a repeated member).
   */
  signRaw(claims: Record<string, unknown> | string, header: Record<string, unknown>): string;
  /** A well-formed token for the test tenant with the given overrides. */
  token(overrides?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}

export async function createTokenForge(now = Math.floor(Date.now() / 1000)): Promise<TokenForge> {
  const dir = await mkdtemp(join(tmpdir(), 'eds-forge-'));
  const jwk = await loadDevSigningKey(dir);
  const privateKey = await importJWK(jwk, 'RS256');
  const publicJwk = { kty: jwk.kty, n: jwk.n, e: jwk.e, kid: jwk.kid, alg: 'RS256', use: 'sig' };
  const keys = createLocalJWKSet({ keys: [publicJwk as JWK] });
  const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: jwk.kid, ...header })
      .sign(privateKey);
  const keyObject = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signRaw = (claims: Record<string, unknown> | string, header: Record<string, unknown>) => {
    const protectedHeader = encode({ alg: 'RS256', typ: 'JWT', kid: jwk.kid, ...header });
    const payload =
      typeof claims === 'string' ? Buffer.from(claims).toString('base64url') : encode(claims);
    const input = `${protectedHeader}.${payload}`;
    return `${input}.${signBytes('sha256', Buffer.from(input), keyObject).toString('base64url')}`;
  };
  return {
    jwk,
    keys,
    sign,
    signRaw,
    token: (overrides = {}, header = {}) =>
      sign(
        {
          iss: TEST_ISSUER,
          aud: TEST_AUDIENCE,
          tid: TEST_TENANT,
          oid: '11111111-2222-4333-8444-555555555555',
          sub: '11111111-2222-4333-8444-555555555555',
          ver: '2.0',
          scp: 'access_as_user',
          roles: ['EDS.Analyst'],
          divisions: ['DC'],
          iat: now,
          nbf: now,
          exp: now + 3600,
          ...overrides,
        },
        header,
      ),
  };
}

/** A key pair the issuer never published. */
export async function createStrangerKey() {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, publicJwk: await exportJWK(publicKey) };
}
