import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTokenForge,
  testVerifierOptions,
  type TokenForge,
} from '../../test/support/token-forge.js';
import { AppError } from '../errors/app-error.js';
import { createIssuerKeySource, createTokenVerifier } from './token-verifier.js';

const NOW = 1_790_000_000;

/** What a verifier over the issuer keys at `jwksUri` makes of a valid token. */
async function outcomeAt(forge: TokenForge, jwksUri: string): Promise<unknown> {
  const verifier = createTokenVerifier(testVerifierOptions(createIssuerKeySource(jwksUri), NOW));
  return verifier.verify(await forge.token({ roles: ['EDS.Reader'] })).then(
    () => 'verified',
    (error: unknown) => error,
  );
}

describe('token verifier when the issuer keys cannot be fetched', () => {
  let forge: TokenForge;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    forge = await createTokenForge(NOW);
    server = createServer((request, response) => {
      if (request.url === '/not-json') response.writeHead(200).end('<html>maintenance</html>');
      else response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['answers 500', '/keys'],
    ['answers something other than a key set', '/not-json'],
  ])('answers 503 with a retry, not 401, when the JWKS %s', async (_case, path) => {
    const error = await outcomeAt(forge, `${base}${path}`);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('AUTH_UNAVAILABLE');
    expect((error as AppError).details.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('answers 503 when nothing listens at the JWKS address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await outcomeAt(forge, `http://127.0.0.1:${port}/keys`);
    expect((error as AppError).code).toBe('AUTH_UNAVAILABLE');
  });

  it('still refuses a token the keys do not verify with 401', async () => {
    const verifier = createTokenVerifier(testVerifierOptions(forge.keys, NOW));
    const token = await forge.token({ roles: ['EDS.Reader'] });
    const tampered = `${token.slice(0, -4)}AAAA`;
    const error = await verifier.verify(tampered).then(
      () => undefined,
      (cause: unknown) => cause,
    );
    expect((error as AppError).code).toBe('AUTH_TOKEN_INVALID');
  });
});
