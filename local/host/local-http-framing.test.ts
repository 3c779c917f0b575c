import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  startLocalHttpServer,
  type HostRefusal,
  type LocalHttpServer,
} from './local-http-server.js';
import { ANSWER_ROUTE, exchangeUntilClose } from './test-support/answer-route.js';

const REQUEST_LINE = 'GET /api/answer HTTP/1.1\r\nHost: x\r\n';

describe('local HTTP server: Expect and Transfer-Encoding', () => {
  let server: LocalHttpServer;
  const refusals: HostRefusal[] = [];
  // How many times the function ran: a request refused, or never answered, must not run it.
  let calls = 0;

  beforeAll(async () => {
    server = await startLocalHttpServer({
      host: '127.0.0.1',
      port: 0,
      definitions: [ANSWER_ROUTE],
      createHandler: () => () => {
        calls += 1;
        return Promise.resolve({ status: 201, body: 'made' });
      },
      onRefused: (refusal) => refusals.push(refusal),
    });
  });

  afterAll(async () => {
    await server.close();
  });

  const exchange = (bytes: string) => exchangeUntilClose(server.port, bytes);

  it.each([
    ['an Expect other than 100-continue', 'Expect: foo\r\n\r\n', 417],
    ['an Expect naming 100-continue among others', 'Expect: foo, 100-continue\r\n\r\n', 417],
    [
      'a transfer coding before chunked',
      'Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
      501,
    ],
  ])('answers %s with a problem document, runs nothing, and reports it', async (_l, rest, code) => {
    refusals.length = 0;
    const before = calls;
    const reply = await exchange(`${REQUEST_LINE}${rest}`);
    const [head = '', body = ''] = reply.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${code} `));
    expect(head).toMatch(/^Content-Type: application\/problem\+json/im);
    expect(head).toMatch(/^X-Content-Type-Options: nosniff/im);
    expect(head.match(/^Connection: close$/gim)).toHaveLength(1);
    const correlationId = /^X-Correlation-Id: (.+)$/im.exec(head)?.[1];
    expect(JSON.parse(body)).toMatchObject({ status: code, correlationId });
    expect(calls).toBe(before);
    expect(refusals).toMatchObject([{ method: 'GET', status: code, correlationId }]);
  });

  it('sends 100 Continue for Expect: 100-continue, then runs the request', async () => {
    const before = calls;
    const reply = await exchange(
      `${REQUEST_LINE}Expect: 100-Continue\r\nConnection: close\r\n\r\n`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 /);
    expect(calls).toBe(before + 1);
  });

  it.each([
    ['a 501', 'Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'],
    ['a 417', 'Expect: foo\r\n\r\n'],
  ])('runs nothing a client pipelined behind %s, and closes', async (_l, rest) => {
    const before = calls;
    const reply = await exchange(`${REQUEST_LINE}${rest}${REQUEST_LINE}\r\n`);
    expect(reply.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
    expect(reply).toMatch(/^HTTP\/1\.1 (501|417) /);
    expect(calls).toBe(before);
  });

  it('leaves a transfer coding not ending in chunked to the parser: 400', async () => {
    refusals.length = 0;
    const before = calls;
    const reply = await exchange(`${REQUEST_LINE}Transfer-Encoding: gzip\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(refusals).toContainEqual(
      expect.objectContaining({ method: '(unparsed)', code: 'HTTP_MALFORMED_REQUEST' }),
    );
    expect(calls).toBe(before);
  });
});
