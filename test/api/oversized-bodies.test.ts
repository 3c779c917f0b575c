import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestHost, type TestHost } from '../support/test-host.js';

const MANAGER = '6a0f2b3c-4d5e-4f60-8a1b-2c3d4e5f6a7b';
const PER_ADDRESS = 12;

interface RawAnswer {
  readonly status: number;
  readonly correlationId: string;
  readonly connection: string | undefined;
}

/**
 * Sends a request with `bodyBytes` of body written in chunks (no declared length), or with no
 * body at all (under whatever length `headers` declare), and reads the answer's head.
 */
function send(
  t: TestHost,
  method: string,
  headers: OutgoingHttpHeaders,
  bodyBytes?: number,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${t.baseUrl}/api/v1/vendors`, { method, headers });
    req.on('response', (res) => {
      res.resume();
      resolve({
        status: res.statusCode ?? 0,
        correlationId: String(res.headers['x-correlation-id']),
        connection: res.headers.connection,
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The host closes a connection whose body it left unread once it has answered.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    if (bodyBytes === undefined) {
      req.flushHeaders();
      return;
    }
    const chunk = Buffer.alloc(8192, 0x20);
    for (let sent = 0; sent < bodyBytes; sent += chunk.length) req.write(chunk);
    req.end();
  });
}

describe('a body over its function’s limit on the local host', () => {
  let t: TestHost;
  let token: string;

  beforeAll(async () => {
    t = await startTestHost({
      skipSeed: true,
      env: { EDS_RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS) },
    });
    token = await t.token(['EDS.Manager'], ['DC'], { objectId: MANAGER });
  });
  afterAll(() => t.close());

  it('is refused by the pipeline: a declared one before the token, audited anonymous', async () => {
    const answer = await send(t, 'POST', {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'content-length': '99999999',
    });
    expect([answer.status, answer.connection]).toEqual([413, 'close']);
    const [event] = await t.auditEvents({ correlationId: answer.correlationId });
    expect(event).toMatchObject({
      type: 'http.request',
      actor: 'anonymous',
      function: 'data-create-vendor',
      permission: 'records:write',
      status: 413,
      errorCode: 'HTTP_BODY_TOO_LARGE',
    });
  });

  it('is refused after the token when it grows past the limit, audited as the caller', async () => {
    const answer = await send(
      t,
      'POST',
      { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      64 * 1024,
    );
    expect([answer.status, answer.connection]).toEqual([413, 'close']);
    const [event] = await t.auditEvents({ correlationId: answer.correlationId });
    expect(event).toMatchObject({ actor: MANAGER, status: 413, errorCode: 'HTTP_BODY_TOO_LARGE' });
  });

  it('gets the pipeline’s answers before its size: preflight, foreign origin', async () => {
    const big = { 'content-length': '99999999', 'access-control-request-method': 'POST' };
    const preflight = await send(t, 'OPTIONS', { ...big, origin: 'http://localhost:5173' });
    expect(preflight.status).toBe(204);
    expect(await t.auditEvents({ correlationId: preflight.correlationId })).toEqual([]);
    const foreign = await send(t, 'POST', { ...big, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
  });

  it('counts against the address’s rate limit, so a flood of them is cut off', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 2; i += 1) {
      const answer = await send(t, 'POST', {
        'content-type': 'application/json',
        'content-length': '99999999',
      });
      statuses.push(answer.status);
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((status) => status === 413).length).toBeLessThan(PER_ADDRESS);
  });
});
