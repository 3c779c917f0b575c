import {
  constants,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { createLocalhostCertificate } from '../../shared/tls/localhost-cert.js';

/** One request the peer answered. Holds no token, key material or secret value. */
export interface KeyVaultPeerRequest {
  readonly method: string;
  readonly path: string;
  /** True when the request carried a non-empty bearer token the peer accepted. */
  readonly authorized: boolean;
  readonly status: number;
}

/** Options of {@link startKeyVaultPeer}. */
export interface KeyVaultPeerOptions {
  /** Tenant named in the 401 challenge; a fixed test tenant when absent. */
  readonly tenantId?: string;
  /** Which bearer tokens the peer accepts; any non-empty token when absent. */
  readonly acceptToken?: (token: string) => boolean;
}

/** Client options the Key Vault SDK clients need to talk to this peer with TLS checks on. */
export interface KeyVaultPeerClientOptions {
  readonly tlsOptions: { readonly ca: string };
  readonly disableChallengeResourceVerification: true;
  readonly retryOptions: { readonly maxRetries: 0 };
}

/** A running local Key Vault. */
export interface KeyVaultPeer {
  /** `https://127.0.0.1:<port>`. */
  readonly vaultUrl: string;
  /** The CA certificate (PEM) the peer's TLS certificate chains to. */
  readonly ca: string;
  readonly requests: readonly KeyVaultPeerRequest[];
  clientOptions(): KeyVaultPeerClientOptions;
  /** Creates a key, or a new version of it (a rotation); returns the new version id. */
  createKey(name: string): string;
  /** Answers 403 to every operation on this key, as Key Vault does without an RBAC grant. */
  forbidKey(name: string): void;
  /** Creates a secret, or a new version of it; returns the new version id. */
  setSecret(name: string, value: string): string;
  close(): Promise<void>;
}

interface KeyVersion {
  readonly version: string;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  readonly created: number;
}

interface SecretVersion {
  readonly version: string;
  readonly value: string;
  readonly created: number;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

const DEFAULT_TENANT = '6f1d7a4e-0c1b-4e55-9a55-6d2f1e0de5a1';
const MAX_BODY_BYTES = 1024 * 1024;
const NAME = '[0-9A-Za-z-]{1,127}';
const VERSION = '[0-9a-f]{32}';
const KEY_ROUTE = new RegExp(`^/keys/(${NAME})(?:/(${VERSION})?)?(?:/(wrapkey|unwrapkey))?/?$`);
const KEY_ACTION_ROUTE = new RegExp(`^/keys/(${NAME})/(create|rotate)$`);
const SECRET_ROUTE = new RegExp(`^/secrets/(${NAME})(?:/(${VERSION})?)?/?$`);
const OAEP_HASH: Record<string, string> = { 'RSA-OAEP-256': 'sha256', 'RSA-OAEP': 'sha1' };

const seconds = (ms: number): number => Math.floor(ms / 1000);
const newVersion = (): string => randomBytes(16).toString('hex');
const fail = (status: number, code: string): Reply => ({
  status,
  body: { error: { code, message: `${code} (local Key Vault peer)` } },
});

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const parsed: unknown = text === '' ? {} : JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/**
 * Starts a local Key Vault on 127.0.0.1 (port 0) over HTTPS with a fresh localhost certificate,
 * speaking enough of the Key Vault REST protocol for `@azure/keyvault-keys` and
 * `@azure/keyvault-secrets`:
 *
 * - any request without an accepted bearer token gets 401 and the `WWW-Authenticate: Bearer
 *   authorization="…", resource="https://vault.azure.net"` challenge the SDK expects first;
 * - keys: get (latest or a version), create and rotate (a new version), wrapKey and unwrapKey with
 *   real RSA-OAEP-256 under a private key that never leaves the peer;
 * - secrets: get (latest or a version) and set.
 *
 * Every request is recorded (method, path, whether it was authorized, status) for assertions.
 * Clients must trust {@link KeyVaultPeer.ca} and disable the challenge resource check, as
 * {@link KeyVaultPeer.clientOptions} does. For tests and the local host only.
 */
export async function startKeyVaultPeer(options: KeyVaultPeerOptions = {}): Promise<KeyVaultPeer> {
  const tls = await createLocalhostCertificate();
  const acceptToken = options.acceptToken ?? ((token: string) => token.length > 0);
  const authority = `https://login.microsoftonline.com/${options.tenantId ?? DEFAULT_TENANT}`;
  const challenge = `Bearer authorization="${authority}", resource="https://vault.azure.net"`;
  const keys = new Map<string, KeyVersion[]>();
  const secrets = new Map<string, SecretVersion[]>();
  const forbidden = new Set<string>();
  const requests: KeyVaultPeerRequest[] = [];
  let vaultUrl = '';

  const createKey = (name: string): string => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const entry = { version: newVersion(), publicKey, privateKey, created: Date.now() };
    keys.set(name, [...(keys.get(name) ?? []), entry]);
    return entry.version;
  };

  const setSecret = (name: string, value: string): string => {
    const entry = { version: newVersion(), value, created: Date.now() };
    secrets.set(name, [...(secrets.get(name) ?? []), entry]);
    return entry.version;
  };

  const keyBundle = (name: string, key: KeyVersion): Reply => {
    const jwk = key.publicKey.export({ format: 'jwk' });
    const kid = `${vaultUrl}/keys/${name}/${key.version}`;
    const keyOps = ['wrapKey', 'unwrapKey', 'encrypt', 'decrypt'];
    const attributes = {
      enabled: true,
      created: seconds(key.created),
      updated: seconds(key.created),
    };
    return {
      status: 200,
      body: {
        key: { kid, kty: 'RSA', key_ops: keyOps, n: jwk.n, e: jwk.e },
        attributes: { ...attributes, recoveryLevel: 'Recoverable', recoverableDays: 90 },
      },
    };
  };

  const secretBundle = (name: string, secret: SecretVersion): Reply => ({
    status: 200,
    body: {
      id: `${vaultUrl}/secrets/${name}/${secret.version}`,
      value: secret.value,
      attributes: {
        enabled: true,
        created: seconds(secret.created),
        updated: seconds(secret.created),
      },
    },
  });

  const findVersion = <T extends { version: string }>(list: T[] | undefined, version?: string) =>
    version === undefined ? list?.at(-1) : list?.find((entry) => entry.version === version);

  const crypt = (name: string, key: KeyVersion, op: string, body: Record<string, unknown>) => {
    const hash = typeof body['alg'] === 'string' ? OAEP_HASH[body['alg']] : undefined;
    if (hash === undefined || typeof body['value'] !== 'string') return fail(400, 'BadParameter');
    const input = Buffer.from(body['value'], 'base64url');
    const padding = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash };
    try {
      const output =
        op === 'wrapkey'
          ? publicEncrypt({ key: key.publicKey, ...padding }, input)
          : privateDecrypt({ key: key.privateKey, ...padding }, input);
      const kid = `${vaultUrl}/keys/${name}/${key.version}`;
      return { status: 200, body: { kid, value: output.toString('base64url') } };
    } catch {
      return fail(400, 'BadParameter');
    }
  };

  const route = async (req: IncomingMessage, path: string): Promise<Reply> => {
    const method = req.method ?? 'GET';
    const keyAction = KEY_ACTION_ROUTE.exec(path);
    if (keyAction !== null && method === 'POST') {
      const [, name = ''] = keyAction;
      if (forbidden.has(name)) return fail(403, 'Forbidden');
      const version = createKey(name);
      return keyBundle(name, findVersion(keys.get(name), version) as KeyVersion);
    }
    const keyMatch = KEY_ROUTE.exec(path);
    if (keyMatch !== null) {
      const [, name = '', version, op] = keyMatch;
      if (forbidden.has(name)) return fail(403, 'Forbidden');
      const key = findVersion(keys.get(name), version);
      if (key === undefined) return fail(404, 'KeyNotFound');
      if (op === undefined && method === 'GET') return keyBundle(name, key);
      if (op !== undefined && method === 'POST') return crypt(name, key, op, await readJson(req));
      return fail(405, 'MethodNotAllowed');
    }
    const secretMatch = SECRET_ROUTE.exec(path);
    if (secretMatch !== null) {
      const [, name = '', version] = secretMatch;
      if (method === 'PUT' && version === undefined) {
        const body = await readJson(req);
        if (typeof body['value'] !== 'string') return fail(400, 'BadParameter');
        const created = setSecret(name, body['value']);
        return secretBundle(name, findVersion(secrets.get(name), created) as SecretVersion);
      }
      const secret = findVersion(secrets.get(name), version);
      if (method !== 'GET') return fail(405, 'MethodNotAllowed');
      return secret === undefined ? fail(404, 'SecretNotFound') : secretBundle(name, secret);
    }
    return fail(404, 'NotFound');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'https://127.0.0.1').pathname;
    const token = bearerToken(req);
    const authorized = token !== undefined && acceptToken(token);
    let reply: Reply;
    if (!authorized) {
      req.resume();
      res.setHeader('www-authenticate', challenge);
      reply = { status: 401, body: { error: { code: 'Unauthorized', message: 'Unauthorized' } } };
    } else {
      reply = await route(req, path).catch(() => fail(400, 'BadParameter'));
    }
    requests.push({ method: req.method ?? '', path, authorized, status: reply.status });
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(reply.body));
  };

  const server = createServer(
    { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' },
    (req, res) => {
      void handle(req, res);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  vaultUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    vaultUrl,
    ca: tls.ca,
    requests,
    clientOptions: () => ({
      tlsOptions: { ca: tls.ca },
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
    }),
    createKey,
    forbidKey: (name) => {
      forbidden.add(name);
    },
    setSecret,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
