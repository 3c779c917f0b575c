import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { HttpFunctionDefinition } from '../../shared/registry/function-registry.js';
import {
  startLocalHttpServer,
  type HostRefusal,
  type LocalHttpServer,
} from './local-http-server.js';
import { ANSWER_ROUTE, exchangeUntilClose } from './test-support/answer-route.js';

const REQUEST_LINE = 'GET /api/answer HTTP/1.1\r\nHost: x\r\n';
/** A POST route whose body may be 16 bytes at most. */
const UPLOAD_ROUTE: HttpFunctionDefinition = {
  ...ANSWER_ROUTE,
  name: 'test-post-upload',
  route: 'upload',
  methods: ['POST'],
  maxBodyBytes: 16,
};

describe('local HTTP server: Expect and Transfer-Encoding', () => {
  let server: LocalHttpServer;
  const refusals: HostRefusal[] = [];
  // How many times the function ran: a request refused, or never answered, must not run it.
  let calls = 0;

  beforeAll(async () => {
    server = await startLocalHttpServer({
      host: '127.0.0.1',
      port: 0,
      definitions: [ANSWER_ROUTE, UPLOAD_ROUTE],
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

  it.each([
    ['declared', 'Content-Length: 40\r\n\r\n' + 'x'.repeat(40)],
    ['chunked', 'Transfer-Encoding: chunked\r\n\r\n28\r\n' + 'x'.repeat(40) + '\r\n0\r\n\r\n'],
  ])('runs nothing pipelined behind a body over its limit (%s), and closes', async (_l, rest) => {
    const before = calls;
    const upload = `POST /api/upload HTTP/1.1\r\nHost: x\r\n${rest}`;
    const reply = await exchange(`${upload}${REQUEST_LINE}\r\n`);
    expect(reply.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
    expect(calls).toBe(before + 1);
  });

  it('asks for no body it will refuse: no 100 Continue before a 501', async () => {
    const reply = await exchange(
      `${REQUEST_LINE}Expect: 100-continue\r\nTransfer-Encoding: gzip, chunked\r\n\r\n`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 501 /);
  });
});

describe('local HTTP server: stopping', () => {
  it('runs nothing that arrives behind the answer in flight once stopping', async () => {
    let calls = 0;
    const server = await startLocalHttpServer({
      host: '127.0.0.1',
      port: 0,
      definitions: [ANSWER_ROUTE],
      createHandler: () => async () => {
        calls += 1;
        await sleep(150);
        return { status: 200, body: 'slow' };
      },
    });
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write(`${REQUEST_LINE}\r\n`));
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      void sleep(40).then(() => {
        void server.close();
        socket.write(`${REQUEST_LINE}\r\n`);
      });
    });
    expect(reply.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
    expect(reply).toMatch(/^Connection: close$/im);
    expect(calls).toBe(1);
  });
});
