import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One token request the peer received. Holds no token. */
export interface ManagedIdentityRequest {
  readonly method: string;
  readonly path: string;
  readonly apiVersion: string | null;
  readonly resource: string | null;
  readonly clientId: string | null;
  /** The `X-IDENTITY-HEADER` value the caller sent, or undefined. */
  readonly identityHeader: string | undefined;
  readonly answered: number;
}

/** Options of {@link startManagedIdentityPeer}. */
export interface ManagedIdentityPeerOptions {
  /** The secret `IDENTITY_HEADER` the caller must echo; random when absent. */
  readonly identityHeader?: string;
  /** Lifetime of issued tokens; one hour when absent. */
  readonly tokenLifetimeSeconds?: number;
}

/** A running token endpoint of the App Service managed-identity protocol, on loopback. */
export interface ManagedIdentityPeer {
  /** Value for `IDENTITY_ENDPOINT`: `http://127.0.0.1:<port>/msi/token`. */
  readonly endpoint: string;
  /** Value for `IDENTITY_HEADER`. */
  readonly identityHeader: string;
  readonly requests: readonly ManagedIdentityRequest[];
  /** Tokens issued so far, newest last, for asserting what a client presented. */
  readonly issuedTokens: readonly string[];
  close(): Promise<void>;
}

const TOKEN_PATH = '/msi/token';

function send(res: ServerResponse, status: number, body: unknown): number {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return status;
}

/**
 * Starts a local stand-in for the App Service / Azure Functions managed-identity endpoint on
 * 127.0.0.1 (port 0): `GET /msi/token?api-version=2019-08-01&resource=…&client_id=…` with the
 * `X-IDENTITY-HEADER` secret answers `{ access_token, expires_on, resource, token_type }`.
 * Tokens are random opaque strings. Every request is recorded for assertions.
 *
 * For tests and the local host only; plain HTTP, as the real endpoint is.
 */
export async function startManagedIdentityPeer(
  options: ManagedIdentityPeerOptions = {},
): Promise<ManagedIdentityPeer> {
  const identityHeader = options.identityHeader ?? randomBytes(16).toString('hex');
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const requests: ManagedIdentityRequest[] = [];
  const issuedTokens: string[] = [];

  const answer = (req: IncomingMessage, res: ServerResponse, url: URL): number => {
    if (req.method !== 'GET' || url.pathname !== TOKEN_PATH) return send(res, 404, {});
    if (req.headers['x-identity-header'] !== identityHeader) {
      return send(res, 401, { error: 'invalid_request', error_description: 'bad header' });
    }
    const resource = url.searchParams.get('resource');
    if (!resource) return send(res, 400, { error: 'invalid_request' });
    const token = `mi.${randomBytes(24).toString('base64url')}`;
    issuedTokens.push(token);
    const expiresOn = Math.floor(Date.now() / 1000) + lifetime;
    const body = {
      access_token: token,
      expires_on: String(expiresOn),
      resource,
      token_type: 'Bearer',
    };
    return send(res, 200, { ...body, client_id: url.searchParams.get('client_id') });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const status = answer(req, res, url);
    const header = req.headers['x-identity-header'];
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      apiVersion: url.searchParams.get('api-version'),
      resource: url.searchParams.get('resource'),
      clientId: url.searchParams.get('client_id'),
      identityHeader: typeof header === 'string' ? header : undefined,
      answered: status,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}${TOKEN_PATH}`,
    identityHeader,
    requests,
    issuedTokens,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
