import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readFile } from 'node:fs/promises';

import {
  SignJWT,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { z } from 'zod';

import { isAzureRuntime } from '../../shared/config/app-config.js';
import { replaceOwnerOnly } from '../../shared/fs/owner-only-file.js';
import { ensurePrivateDirectory } from '../../shared/fs/private-directory.js';
import { resolveInside } from '../../shared/fs/safe-path.js';
import type { IssuerDocuments } from '../../shared/runtime/services.js';

/**
 * The development identity issuer: an Entra-shaped OIDC issuer for local runs and tests.
 *
 * > [!WARNING]
 * > Anyone holding `signing-key.jwk.json` can mint any token this issuer's verifier accepts. It
 * > exists only on a developer machine, is owner-only on disk, and the issuer refuses to start in
 * > Azure, where the verifier is configured with Entra ID instead.
 */
export interface DevIssuer extends IssuerDocuments {
  readonly issuer: string;
  readonly audience: string;
  readonly tenantId: string;
  mint(request: MintRequest): Promise<string>;
}

export interface MintRequest {
  readonly roles: readonly string[];
  readonly divisions?: readonly string[];
  /**
   * App-only (client credentials) token, shaped as Entra issues one by default: no `scp`, and no
   * `idtyp` either (an optional claim an app registration may not configure).
   */
  readonly app?: boolean;
  readonly objectId?: string;
  readonly lifetimeSeconds?: number;
}

export interface DevIssuerOptions {
  readonly dataDir: string;
  readonly issuer: string;
  readonly audience: string;
  readonly tenantId: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const PrivateJwkSchema = z
  .object({ kty: z.literal('RSA'), n: z.string(), e: z.string(), d: z.string(), kid: z.string() })
  .passthrough();

/** Refuses a key file another user could have planted or can read, as the key ring does. */
async function assertOwnerOnly(path: string): Promise<void> {
  const info = await lstat(path);
  if (!info.isFile()) throw new Error(`Development issuer key ${path} is not a regular file`);
  if ((info.mode & 0o077) !== 0) {
    throw new Error(`Development issuer key ${path} is readable by others; chmod 600 it`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(`Development issuer key ${path} belongs to another user`);
  }
}

/** Loads the signing key, creating an RS256 key pair (owner-only file) on first use. */
export async function loadDevSigningKey(dataDir: string): Promise<JWK & { kid: string }> {
  await ensurePrivateDirectory(dataDir, 'Data directory');
  const path = resolveInside(dataDir, 'dev-issuer', 'signing-key.jwk.json');
  try {
    await assertOwnerOnly(path);
    return PrivateJwkSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const keyed = { ...jwk, kid, alg: 'RS256', use: 'sig' };
  const dir = resolveInside(dataDir, 'dev-issuer');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await replaceOwnerOnly(dir, path, JSON.stringify(keyed));
  return keyed;
}

function publicPart(jwk: JWK & { kid: string }): Record<string, unknown> {
  return { kty: jwk.kty, n: jwk.n, e: jwk.e, kid: jwk.kid, alg: 'RS256', use: 'sig' };
}

/**
 * Opens the development issuer.
 *
 * @throws Error when the process runs in Azure.
 */
export async function openDevIssuer(options: DevIssuerOptions): Promise<DevIssuer> {
  if (isAzureRuntime(options.env ?? process.env)) {
    throw new Error('The development issuer refuses to run in Azure');
  }
  const jwk = await loadDevSigningKey(options.dataDir);
  const key = await importJWK(jwk, 'RS256');
  const jwksUri = `${options.issuer}/discovery/keys`;
  return {
    issuer: options.issuer,
    audience: options.audience,
    tenantId: options.tenantId,
    // What a verifier reads: the issuer and its keys. There is no sign-in here (tokens come from
    // `npm run token`), so no authorization or token endpoint is advertised that would not answer.
    discovery: () => ({
      issuer: options.issuer,
      jwks_uri: jwksUri,
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      tenant_region_scope: 'NA',
    }),
    jwks: () => ({ keys: [publicPart(jwk)] }),
    async mint(request) {
      const now = Math.floor(Date.now() / 1000);
      const objectId = request.objectId ?? randomUUID();
      const claims: Record<string, unknown> = {
        tid: options.tenantId,
        oid: objectId,
        ver: '2.0',
        roles: [...request.roles],
        azp: randomUUID(),
        ...(request.app === true ? {} : { scp: 'access_as_user', name: 'Local Developer' }),
        ...(request.divisions === undefined ? {} : { divisions: [...request.divisions] }),
      };
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: jwk.kid })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setSubject(objectId)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + (request.lifetimeSeconds ?? 3600))
        .setJti(randomUUID())
        .sign(key);
    },
  };
}
