import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import { createHttpsServer } from '@vercel/cosmosdb-server';

import { createLocalhostCertificate } from '../../shared/tls/localhost-cert.js';

/** One request the peer received: its route and how it was authorized. */
export interface CosmosPeerRequest {
  readonly method: string;
  readonly path: string;
  /** `aad`, `master` or `resource`: the Authorization header's `type`; undefined without one. */
  readonly authType: string | undefined;
  /** The token of an `aad` Authorization header, to match against a test credential. */
  readonly aadToken: string | undefined;
}

/** A running local Cosmos DB. */
export interface CosmosPeer {
  /** `https://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** The CA certificate (PEM) the server's certificate chains to. */
  readonly ca: string;
  /** A random account key for `key` authentication; the server accepts any well-formed key. */
  readonly key: string;
  readonly requests: readonly CosmosPeerRequest[];
  close(): Promise<void>;
}

function readAuthorization(
  header: string | undefined,
): Pick<CosmosPeerRequest, 'authType' | 'aadToken'> {
  if (header === undefined) return { authType: undefined, aadToken: undefined };
  const params = new URLSearchParams(decodeURIComponent(header));
  const authType = params.get('type') ?? undefined;
  return { authType, aadToken: authType === 'aad' ? (params.get('sig') ?? undefined) : undefined };
}

/**
 * Starts `@vercel/cosmosdb-server` (a Cosmos DB SQL API implementation) on 127.0.0.1, port 0,
 * over HTTPS with a freshly generated localhost certificate instead of the package's bundled one
 * (which expired in 2021), TLS 1.2 or later. Clients trust {@link CosmosPeer.ca} and keep TLS
 * verification on.
 *
 * The server keeps everything in memory and does not check authorization; the peer records each
 * request's authorization scheme so tests can prove which one a client used.
 *
 * LIMITATION: no `GROUP BY`, `OFFSET/LIMIT`, transactional batch, TTL expiry or RBAC; the server
 * accepts any key or token. For tests only: the local host does not start it, as no endpoint
 * uses Cosmos DB yet (its package is a development dependency).
 */
export async function startCosmosPeer(): Promise<CosmosPeer> {
  const tls = await createLocalhostCertificate();
  const requests: CosmosPeerRequest[] = [];
  const server = createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
  server.prependListener('request', (req) => {
    const path = new URL(req.url ?? '/', 'https://127.0.0.1').pathname;
    requests.push({
      method: req.method ?? '',
      path,
      ...readAuthorization(req.headers.authorization),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `https://127.0.0.1:${port}`,
    ca: tls.ca,
    key: randomBytes(64).toString('base64'),
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
