import { createHmac } from 'node:crypto';

import { SignJWT, base64url } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  OTHER_TENANT,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_TENANT,
  createStrangerKey,
  createTokenForge,
  issuerFor,
  testVerifierOptions,
  type TokenForge,
} from '../../test/support/token-forge.js';
import { AppError } from '../errors/app-error.js';
import { createTokenVerifier, type TokenVerifier } from './token-verifier.js';

const NOW = 1_790_000_000;

/** Every claim the verifier requires, valid for the test tenant at NOW, with `overrides`. */
function claimsOf(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    tid: TEST_TENANT,
    oid: '11111111-2222-4333-8444-555555555555',
    sub: 'x',
    ver: '2.0',
    iat: NOW,
    nbf: NOW,
    exp: NOW + 600,
    ...overrides,
  };
}

function segment(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

async function rejection(verifier: TokenVerifier, token: string): Promise<AppError> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('token verifier', () => {
  let forge: TokenForge;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    forge = await createTokenForge(NOW);
    verifier = createTokenVerifier(testVerifierOptions(forge.keys, NOW));
  });

  it('accepts a well-formed token and derives roles, permissions and divisions', async () => {
    const principal = await verifier.verify(
      await forge.token({ roles: ['EDS.Analyst', 'EDS.Bogus'], divisions: ['DC', 'ZZ', 'MD'] }),
    );
    expect(principal.roles).toEqual(['EDS.Analyst']);
    expect(principal.divisions).toEqual(['DC', 'MD']);
    expect(principal.permissions.has('search:query')).toBe(true);
    expect(principal.permissions.has('records:write')).toBe(false);
    expect(principal.clearance).toBe('CONFIDENTIAL');
    expect(principal.kind).toBe('user');
  });

  it('grants no division for division claims that are not division codes', async () => {
    const principal = await verifier.verify(
      await forge.token({ roles: ['EDS.Analyst'], divisions: ['ZZ', 'DC;MD', 'dc'] }),
    );
    expect(principal.divisions).toEqual([]);
    expect(principal.roles).toEqual(['EDS.Analyst']);
  });

  const attacks: [string, (forge: TokenForge) => Promise<string>, string][] = [
    [
      'rejects an unsigned token with alg none',
      async () => {
        const head = segment({ alg: 'none', typ: 'JWT' });
        const body = segment({
          iss: TEST_ISSUER,
          aud: TEST_AUDIENCE,
          tid: TEST_TENANT,
          exp: NOW + 60,
        });
        return `${head}.${body}.`;
      },
      'algorithm_not_allowed',
    ],
    [
      'rejects an HS256 token keyed with the public key',
      async (f) => {
        const head = segment({ alg: 'HS256', typ: 'JWT', kid: f.jwk.kid });
        const body = segment(claimsOf({ exp: NOW + 60 }));
        const mac = createHmac('sha256', JSON.stringify({ kty: 'RSA', n: f.jwk.n, e: f.jwk.e }))
          .update(`${head}.${body}`)
          .digest('base64url');
        return `${head}.${body}.${mac}`;
      },
      'algorithm_not_allowed',
    ],
    [
      'rejects a token signed by a key not in the JWKS',
      async () => {
        const stranger = await createStrangerKey();
        return new SignJWT({
          tid: TEST_TENANT,
          oid: '11111111-2222-4333-8444-555555555555',
          ver: '2.0',
          roles: ['EDS.Admin'],
        })
          .setProtectedHeader({ alg: 'RS256', kid: 'stranger' })
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_AUDIENCE)
          .setSubject('x')
          .setIssuedAt(NOW)
          .setNotBefore(NOW)
          .setExpirationTime(NOW + 60)
          .sign(stranger.privateKey);
      },
      'ERR_JWKS_NO_MATCHING_KEY',
    ],
    [
      "rejects a token from another tenant's issuer",
      (f) => f.token({ iss: issuerFor(OTHER_TENANT), tid: OTHER_TENANT }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    ],
    [
      'rejects a token whose tid names another tenant',
      (f) => f.token({ tid: OTHER_TENANT }),
      'tenant_mismatch',
    ],
    [
      'rejects a token without exp',
      (f) => f.token({ exp: undefined }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    ],
    [
      'rejects an expired token',
      (f) => f.token({ exp: NOW - 120, iat: NOW - 4000, nbf: NOW - 4000 }),
      'ERR_JWT_EXPIRED',
    ],
    [
      'rejects a token not valid before a future nbf',
      (f) => f.token({ nbf: NOW + 600 }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    ],
    [
      'rejects a token issued in the future',
      (f) => f.token({ iat: NOW + 600 }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    ],
    [
      'rejects a token older than the maximum age',
      (f) => f.token({ iat: NOW - 90_000, nbf: NOW - 90_000 }),
      'ERR_JWT_EXPIRED',
    ],
    [
      'rejects a token for another audience',
      (f) => f.token({ aud: 'api://someone-else' }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    ],
    [
      'rejects a token for two audiences, ours among them',
      (f) => f.token({ aud: [TEST_AUDIENCE, 'api://someone-else'] }),
      'claims_shape',
    ],
    [
      'rejects a token from another issuer',
      (f) => f.token({ iss: 'https://evil.example/v2.0' }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    ],
    [
      'rejects a token that embeds its own jwk header',
      async (f) => {
        const stranger = await createStrangerKey();
        return new SignJWT({ tid: TEST_TENANT })
          .setProtectedHeader({ alg: 'RS256', jwk: stranger.publicJwk })
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_AUDIENCE)
          .setExpirationTime(NOW + 60)
          .sign(stranger.privateKey)
          .then((t) => t)
          .catch(() => f.token({}, { jwk: stranger.publicJwk }));
      },
      'key_bearing_header',
    ],
    [
      'rejects a token typed as something other than a JWT',
      (f) => f.token({}, { typ: 'JWE' }),
      'type_not_allowed',
    ],
    [
      'rejects a token that points at a jku',
      (f) => f.token({}, { jku: 'http://127.0.0.1:1/keys' }),
      'key_bearing_header',
    ],
    [
      'rejects a token with an x5u header',
      (f) => f.token({}, { x5u: 'http://127.0.0.1:1/cert' }),
      'key_bearing_header',
    ],
    [
      'rejects a token with an unknown critical header',
      async (f) => f.signRaw(claimsOf(), { crit: ['x-eds-unknown'], 'x-eds-unknown': true }),
      'ERR_JOSE_NOT_SUPPORTED',
    ],
    [
      'rejects a signed token that names a claim twice',
      async (f) => {
        const claims = claimsOf({
          scp: 'access_as_user',
          roles: ['EDS.Analyst'],
          divisions: ['DC'],
        });
        return f.signRaw(JSON.stringify(claims).replace('}', ',"divisions":["MD","VA"]}'), {});
      },
      'json_not_strict',
    ],
    [
      'rejects an oversized token before parsing it',
      (f) => f.token({ padding: 'a'.repeat(9000) }),
      'oversized',
    ],
    [
      'rejects a token missing the v2 version claim',
      (f) => f.token({ ver: '1.0' }),
      'claims_shape',
    ],
    ['rejects garbage that is not a JWS', async () => 'not.a.token', 'not_compact_jws'],
    [
      'rejects a JWS-shaped token whose header is not JSON',
      async () => `${Buffer.from('not json').toString('base64url')}.e30.AAAA`,
      'malformed_header',
    ],
    [
      'rejects a valid token re-spelled with base64 padding on its signature',
      async (f) => `${await f.token({})}==`,
      'not_compact_jws',
    ],
    [
      'rejects a valid token whose signature ends in a non-canonical character',
      async (f) => {
        const token = await f.token({});
        // 2048 bits in 342 characters: the last one carries 4 spare bits, zero when canonical.
        const last = token.at(-1) ?? 'A';
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const respelled = alphabet[alphabet.indexOf(last) ^ 1] ?? last;
        return `${token.slice(0, -1)}${respelled}`;
      },
      'not_compact_jws',
    ],
    [
      'rejects a valid token with a fourth segment',
      async (f) => `${await f.token({})}.e30`,
      'not_compact_jws',
    ],
  ];

  it.each(attacks)('%s', async (_title, make, reason) => {
    const error = await rejection(verifier, await make(forge));
    expect(error.code).toBe('AUTH_TOKEN_INVALID');
    expect(error.details.reason).toBe(reason);
  });

  it('marks an app-only token as an app and keeps its app role', async () => {
    const principal = await verifier.verify(
      await forge.token({ idtyp: 'app', roles: ['EDS.Jobs'] }),
    );
    expect(principal.kind).toBe('app');
    expect(principal.permissions.has('jobs:run')).toBe(true);
  });

  it('keeps only the roles an application may use in an app-only token', async () => {
    const principal = await verifier.verify(
      await forge.token({
        idtyp: 'app',
        roles: ['EDS.PiiReader', 'EDS.Manager', 'EDS.Admin', 'EDS.ComplianceOfficer', 'EDS.Reader'],
      }),
    );
    expect(principal.roles).toEqual(['EDS.Reader']);
    expect(principal.permissions.has('records:unmask')).toBe(false);
    expect(principal.permissions.has('records:write')).toBe(false);
  });

  it.each([
    ['no idtyp and no scp (the default client-credentials token)', { scp: undefined }],
    ['empty scp', { scp: ' ' }],
    ['a scp of invisible characters', { scp: '\u200b\u2060 \u00ad' }],
    ['a scp of a NUL', { scp: '\u0000' }],
    ['idtyp user but no scp', { idtyp: 'user', scp: undefined }],
    ['idtyp app beside a scp', { idtyp: 'app' }],
  ])('treats a token with %s as an application', async (_title, claims) => {
    const principal = await verifier.verify(
      await forge.token({ ...claims, roles: ['EDS.PiiReader', 'EDS.Manager', 'EDS.Reader'] }),
    );
    expect(principal.kind).toBe('app');
    expect(principal.roles).toEqual(['EDS.Reader']);
    expect(principal.permissions.has('records:unmask')).toBe(false);
  });

  it('treats a token with scopes as a person and keeps the roles of a person', async () => {
    const principal = await verifier.verify(
      await forge.token({ scp: 'access_as_user', roles: ['EDS.PiiReader', 'EDS.Manager'] }),
    );
    expect(principal.kind).toBe('user');
    expect(principal.permissions.has('records:unmask')).toBe(true);
  });

  it('grants nothing for an app-only role carried by a user token', async () => {
    const principal = await verifier.verify(await forge.token({ roles: ['EDS.Jobs'] }));
    expect(principal.roles).toEqual([]);
    expect(principal.permissions.size).toBe(0);
  });

  it('never puts the token in the error message', async () => {
    const token = await forge.token({ aud: 'api://other' });
    const error = await rejection(verifier, token);
    expect(error.message).not.toContain(token.split('.')[1]);
  });

  it('stops honouring a remembered token once it expires', async () => {
    let clock = NOW * 1000;
    const remembering = createTokenVerifier({
      ...testVerifierOptions(forge.keys, NOW),
      currentDate: () => new Date(clock),
    });
    const token = await forge.token({ exp: NOW + 300 });
    await expect(remembering.verify(token)).resolves.toBeDefined();
    clock = (NOW + 300 + 61) * 1000;
    const error = await rejection(remembering, token);
    expect(error.details.reason).toBe('ERR_JWT_EXPIRED');
  });
});
