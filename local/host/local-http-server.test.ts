import { STATUS_CODES, request as httpRequest } from 'node:http';
import { connect } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { HttpResponseInit } from '@azure/functions';

import { rawExchange } from '../../test/support/raw-exchange.js';
import {
  startLocalHttpServer,
  type HostRefusal,
  type LocalHttpServer,
} from './local-http-server.js';
import { ANSWER_ROUTE, exchangeUntilClose } from './test-support/answer-route.js';

/** What the test function answers, by the `answer` query parameter. */
const ANSWERS: Record<string, HttpResponseInit> = {
  record: {
    status: 201,
    body: 'made',
    headers: { 'Cache-Control': 'no-store', 'cache-control': 'public', 'X-Answer': ' padded\r\n' },
  },
  tuples: { status: 200, headers: [['X-Answer', 'tuples']] },
  instance: { status: 200, headers: new Headers({ 'X-Answer': 'instance' }) },
  // Not a declared form, but iterable like Headers: its headers must not vanish.
  map: { status: 200, headers: new Map([['X-Answer', 'map']]) as unknown as Headers },
  invalid: { status: 200, body: 'secret', headers: { 'X-Leftover': 'yes', 'X-Bad': 'a\r\nb' } },
};

describe('local HTTP server response writing', () => {
  let server: LocalHttpServer;
  const refusals: HostRefusal[] = [];
  // How many times a function was run, to tell a refused request from one run but not answered.
  let calls = 0;
  const get = (answer: string) =>
    fetch(`http://127.0.0.1:${server.port}/api/answer?answer=${answer}`);

  beforeAll(async () => {
    server = await startLocalHttpServer({
      host: '127.0.0.1',
      port: 0,
      definitions: [ANSWER_ROUTE],
      createHandler: () => (request) => {
        calls += 1;
        const answer = request.query.get('answer') ?? '';
        if (answer === 'throw')
          return Promise.reject(new RangeError('value 123-45-6789 out of range'));
        // The Authorization the function is handed, to compare with what was sent.
        if (answer === 'authorization') {
          return Promise.resolve({ status: 200, body: request.headers.get('authorization') ?? '' });
        }
        return Promise.resolve(ANSWERS[answer] ?? { status: 404 });
      },
      onRefused: (refusal) => refusals.push(refusal),
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('writes status, body and trimmed headers; a repeated name keeps both values', async () => {
    const response = await get('record');
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('made');
    // As the Functions runtime's Headers copy does: a later copy cannot replace no-store.
    expect(response.headers.get('cache-control')).toBe('no-store, public');
    expect(response.headers.get('x-answer')).toBe('padded');
  });

  it.each(['tuples', 'instance', 'map'])('accepts headers given as %s', async (answer) => {
    const response = await get(answer);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-answer')).toBe(answer);
  });

  it('answers 500 problem+json, none of the failed answer, for an unwritable header', async () => {
    const response = await get('invalid');
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('x-leftover')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toMatchObject({ status: 500 });
  });

  it('reports a handler that throws as a host failure, naming the error class only', async () => {
    refusals.length = 0;
    const response = await get('throw');
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('123-45-6789');
    const correlationId = response.headers.get('x-correlation-id');
    expect(refusals).toEqual([
      { method: 'GET', status: 500, code: 'INTERNAL', correlationId, errorName: 'RangeError' },
    ]);
  });

  it.each([
    ['GET', '/api/no-such-route?token=eyJx', 404, 'HTTP_NOT_FOUND'],
    ['GET', '/outside', 404, 'HTTP_NOT_FOUND'],
    ['DELETE', '/api/answer', 405, 'HTTP_METHOD_NOT_ALLOWED'],
  ])(
    'reports %s %s, answered by the host alone, with its correlation id',
    async (method, path, status, code) => {
      refusals.length = 0;
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { method });
      expect(response.status).toBe(status);
      const correlationId = response.headers.get('x-correlation-id');
      expect(refusals).toEqual([{ method, status, code, correlationId }]);
    },
  );

  it.each(['//127.0.0.1/api/answer', 'http://127.0.0.1/api/answer'])(
    'routes nothing for the request target %s, which is not a path of its own',
    async (target) => {
      refusals.length = 0;
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const request = httpRequest(
          { host: '127.0.0.1', port: server.port, path: target, method: 'GET' },
          (response) => {
            response.resume();
            resolve(response.statusCode);
          },
        );
        request.on('error', reject);
        request.end();
      });
      expect(status).toBe(404);
      expect(refusals).toMatchObject([{ method: 'GET', status: 404, code: 'HTTP_NOT_FOUND' }]);
    },
  );

  it.each([
    '/api\\answer',
    '/api/x/..\\answer',
    '/api/./answer',
    '/api/%2e/answer',
    '/x/../api/answer',
    '/api/x/%2E%2e/answer',
    '/api/answer/..',
  ])('refuses the path %s, which a URL parser would rewrite, and reports it', async (path) => {
    refusals.length = 0;
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port: server.port, path }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on('error', reject);
      request.end();
    });
    expect(status).toBe(400);
    expect(refusals).toMatchObject([{ status: 400, code: 'HTTP_MALFORMED_REQUEST' }]);
  });

  it('reads dot segments in the path only, not in the query', async () => {
    refusals.length = 0;
    const response = await get('record&next=/../x\\y');
    expect(response.status).toBe(201);
    expect(refusals).toEqual([]);
  });

  const exchange = (bytes: string) => exchangeUntilClose(server.port, bytes);

  it('hands the function every Authorization sent, joined, not only the first', async () => {
    const reply = await exchange(
      'GET /api/answer?answer=authorization HTTP/1.1\r\nHost: x\r\n' +
        'Authorization: Bearer first\r\nAuthorization: Bearer second\r\nConnection: close\r\n\r\n',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply.split('\r\n\r\n')[1]).toBe('Bearer first, Bearer second');
  });

  it.each([
    ['a malformed request line', 'GET /api/answer HTTP/9\r\n\r\n', 400, 'HTTP_MALFORMED_REQUEST'],
    [
      'a header without a colon',
      'GET /api/answer HTTP/1.1\r\nHost\r\n\r\n',
      400,
      'HTTP_MALFORMED_REQUEST',
    ],
    [
      'headers over 16 KB',
      `GET /api/answer HTTP/1.1\r\nHost: x\r\nX-Big: ${'q'.repeat(17_000)}\r\n\r\n`,
      431,
      'HTTP_HEADERS_TOO_LARGE',
    ],
  ])(
    'answers %s refused by the HTTP parser with a problem document, and reports it',
    async (_title, bytes, status, code) => {
      refusals.length = 0;
      const reply = await exchange(bytes);
      const [head = '', body = ''] = reply.split('\r\n\r\n');
      expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
      expect(head).toMatch(/^Content-Type: application\/problem\+json$/m);
      expect(head).toMatch(/^X-Content-Type-Options: nosniff$/m);
      expect(head).toMatch(/^Connection: close$/m);
      const correlationId = /^X-Correlation-Id: (.+)$/m.exec(head)?.[1];
      expect(JSON.parse(body)).toMatchObject({ status, code, correlationId });
      expect(body).not.toContain('qqqq');
      expect(refusals).toEqual([{ method: '(unparsed)', status, code, correlationId }]);
    },
  );

  it.each([
    ['an HTTP/1.1 request without Host', 'GET /api/answer HTTP/1.1\r\n\r\n', 'GET', 400],
    [
      'a request with two Host headers',
      'GET /api/answer?answer=record HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n',
      'GET',
      400,
    ],
    ['a CONNECT', 'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n', 'CONNECT', 405],
  ])('answers %s with a problem document, and reports it', async (_l, bytes, method, status) => {
    refusals.length = 0;
    const before = calls;
    const reply = await exchange(bytes);
    expect(reply).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(reply).toMatch(/^Content-Type: application\/problem\+json/im);
    expect(reply).toMatch(/^X-Content-Type-Options: nosniff/im);
    expect(reply).toMatch(/^X-Correlation-Id: /im);
    expect(calls).toBe(before);
    expect(refusals).toMatchObject([{ method, status }]);
  });

  it('answers a request pipelined before a malformed one, then closes', async () => {
    refusals.length = 0;
    const good = 'GET /api/answer?answer=record HTTP/1.1\r\nHost: x\r\n\r\n';
    const reply = await exchange(`${good}G@T / HTTP/1.1\r\n\r\n`);
    expect(reply.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
    expect(reply).toMatch(/^HTTP\/1\.1 201 /);
    expect(refusals).toMatchObject([{ method: '(unparsed)', status: 400 }]);
  });

  it('closes a kept-alive connection on a later malformed request, and reports it', async () => {
    refusals.length = 0;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write('GET /api/answer?answer=record HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        if (received === '') socket.write('GET /api/answer HTTP/9\r\n\r\n');
        received += chunk;
      });
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    // Node's own rule: once a response went out on the connection, nothing more is written.
    expect(reply.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
    expect(reply).toMatch(/^HTTP\/1\.1 201 /);
    expect(refusals).toMatchObject([{ method: '(unparsed)', status: 400 }]);
  });

  it('reports nothing when a function answers', async () => {
    refusals.length = 0;
    expect((await get('record')).status).toBe(201);
    expect(refusals).toEqual([]);
  });
});

describe('local HTTP server request bodies', () => {
  it('reports a malformed chunked body once, as the parser refused it', async () => {
    const refusals: HostRefusal[] = [];
    const server = await startLocalHttpServer({
      host: '127.0.0.1',
      port: 0,
      definitions: [{ ...ANSWER_ROUTE, methods: ['POST'] }],
      createHandler: () => () => Promise.resolve({ status: 204 }),
      onRefused: (refusal) => refusals.push(refusal),
    });
    try {
      const socket = connect(server.port, '127.0.0.1');
      let reply = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (reply += chunk));
      const closed = new Promise((resolve) => socket.on('close', resolve));
      socket.write('POST /api/answer HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
      socket.write('zz\r\n');
      await closed;
      expect(reply).toMatch(/^HTTP\/1\.1 400 /);
      expect(refusals).toMatchObject([{ method: '(unparsed)', status: 400 }]);
    } finally {
      await server.close();
    }
  });
});

describe('local HTTP server timeouts', () => {
  it('answers a client too slow with its headers 408 soon after the limit', async () => {
    const refusals: HostRefusal[] = [];
    const server = await startLocalHttpServer({
      host: '127.0.0.1',
      port: 0,
      definitions: [ANSWER_ROUTE],
      createHandler: () => () => Promise.resolve({ status: 204 }),
      onRefused: (refusal) => refusals.push(refusal),
      timeouts: { headersMs: 300, requestMs: 600 },
    });
    try {
      const started = performance.now();
      const reply = await rawExchange(server.port, 'GET /api/answer HTTP/1.1\r\nHost: x\r\n');
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(reply.status).toBe(408);
      expect(refusals).toMatchObject([{ status: 408, code: 'HTTP_REQUEST_TIMEOUT' }]);
    } finally {
      await server.close();
    }
  });
});

describe('local HTTP server shutdown', () => {
  it('cuts a client still sending its body once the grace period is over', async () => {
    const server = await startLocalHttpServer({
      host: '127.0.0.1',
      port: 0,
      definitions: [{ ...ANSWER_ROUTE, methods: ['POST'] }],
      createHandler: () => () => Promise.resolve({ status: 204 }),
      closeGraceMs: 200,
    });
    const socket = connect(server.port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write('POST /api/answer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    await closed;
  });

  it('answers the request in flight, then closes its kept-alive connection', async () => {
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = await startLocalHttpServer({
      host: '127.0.0.1',
      port: 0,
      definitions: [ANSWER_ROUTE],
      createHandler: () => () => held.then(() => ({ status: 200, body: 'done' })),
    });
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const ask = 'GET /api/answer HTTP/1.1\r\nHost: x\r\n\r\n';
    socket.write(ask);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopping = server.close();
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A client that keeps its connection busy gets no further request served once stopping.
    if (!socket.destroyed) socket.write(ask);
    await closed;
    await stopping;
    expect(received.match(/HTTP\/1\.1 200/g)).toHaveLength(1);
    expect(received).toMatch(/\r\nconnection: close\r\n/i);
  });
});
