import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { problemOf } from '../../test/support/response-body.js';
import { startTestHost, type TestHost } from '../../test/support/test-host.js';
import { defineHttpFunction } from './define-http-function.js';
import { clientAddressOf, recordedAddressOf } from './client-address.js';
import { createRateLimiter } from './rate-limiter.js';

defineHttpFunction({
  name: 'test-get-ping',
  capability: 'test',
  route: 'v1/test/ping',
  methods: ['GET'],
  access: { permission: 'records:read' },
  summary: 'Answers pong (test only)',
  handler: async () => ({ body: { pong: true } }),
});

describe('rate limits on the local host', () => {
  let t: TestHost;

  beforeAll(async () => {
    t = await startTestHost({
      skipSeed: true,
      env: {
        EDS_RATE_LIMIT_PER_PRINCIPAL: '3',
        EDS_RATE_LIMIT_PER_ADDRESS: '8',
        EDS_RATE_LIMIT_WINDOW_SECONDS: '60',
      },
    });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After once a principal passes its limit, sparing others', async () => {
    const noisy = await t.token(['EDS.Reader'], []);
    const quiet = await t.token(['EDS.Reader'], []);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await t.request('GET', '/api/v1/test/ping', { token: noisy })).status);
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    const limited = await t.request('GET', '/api/v1/test/ping', { token: noisy });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(problemOf(limited).code).toBe('HTTP_RATE_LIMITED');
    expect((await t.request('GET', '/api/v1/test/ping', { token: quiet })).status).not.toBe(429);
  });

  it('limits a client address even when it sends no token at all', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1)
      statuses.push((await t.request('GET', '/api/v1/test/ping')).status);
    expect(statuses).toContain(429);
  });
});

describe('rate limits on refused requests', () => {
  let t: TestHost;

  beforeAll(async () => {
    t = await startTestHost({
      skipSeed: true,
      env: { EDS_RATE_LIMIT_PER_ADDRESS: '5', EDS_RATE_LIMIT_WINDOW_SECONDS: '60' },
    });
  });
  afterAll(() => t.close());

  it('counts refused-origin requests against the address, so a flood meets 429', async () => {
    const headers = { origin: 'http://evil.example' };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push((await t.request('GET', '/api/v1/test/ping', { headers })).status);
    }
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429, 429]);
    expect((await t.request('GET', '/api/v1/test/ping')).status).toBe(429);
  });
});

describe('client address', () => {
  const from = (forwardedFor: string, hops?: number) =>
    clientAddressOf(
      new HttpRequest({
        url: 'http://localhost/api/health',
        method: 'GET',
        headers: { 'x-forwarded-for': forwardedFor },
      }),
      hops,
    );

  it('believes only the entry the trusted proxies wrote, never what the client put before', () => {
    expect(from('spoofed-anything, 198.51.100.7:50312')).toBe('198.51.100.7');
    expect(from('10.0.0.1, 198.51.100.7, 203.0.113.9', 2)).toBe('198.51.100.7');
    expect(from('198.51.100.7', 2)).toBe('198.51.100.7');
    // A request that skipped a proxy: the nearest one's entry, not the client-written one.
    expect(from('9.9.9.9, 198.51.100.7', 3)).toBe('198.51.100.7');
  });

  it('reads IPv6 addresses with and without a port', () => {
    expect(from('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(from('2001:db8::1')).toBe('2001:db8::1');
    expect(from('2001:db8::2')).not.toBe(from('2001:db8::1'));
  });

  it('names a request without the header unknown', () => {
    expect(from('')).toBe('unknown');
  });

  it('records an IP address only, without an IPv6 zone, and anything else as unknown', () => {
    expect(recordedAddressOf(from('fe80::1%ADMIN-LOGIN-FROM-HQ, 203.0.113.9', 2))).toBe('fe80::1');
    expect(recordedAddressOf(`fe80::1%${'z'.repeat(80)}`)).toBe('fe80::1');
    expect(recordedAddressOf('203.0.113.9')).toBe('203.0.113.9');
    expect(recordedAddressOf('evil text')).toBe('unknown');
    expect(recordedAddressOf('unknown')).toBe('unknown');
  });
});

describe('rate limiter', () => {
  it('opens a new window once the old one has passed', () => {
    let now = 0;
    const limiter = createRateLimiter({ windowSeconds: 10, now: () => now });
    expect(limiter.take('k', 1).allowed).toBe(true);
    expect(limiter.take('k', 1)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    now = 10_000;
    expect(limiter.take('k', 1).allowed).toBe(true);
  });

  it('keeps a key over its limit while a flood of new keys takes the other places', () => {
    const limiter = createRateLimiter({ windowSeconds: 60, maxKeys: 3, now: () => 0 });
    limiter.take('noisy', 1);
    expect(limiter.take('noisy', 1).allowed).toBe(false);
    for (let i = 0; i < 10; i += 1) limiter.take(`flood-${i}`, 1);
    expect(limiter.take('noisy', 1).allowed).toBe(false);
  });

  it('bounds the number of tracked keys so an address flood cannot grow memory', () => {
    const limiter = createRateLimiter({ windowSeconds: 60, maxKeys: 3, now: () => 0 });
    for (const key of ['a', 'b', 'c', 'd']) limiter.take(key, 1);
    expect(limiter.take('a', 1).allowed).toBe(true);
  });

  it('when every key is over its limit, lets the oldest of them go first', () => {
    const limiter = createRateLimiter({ windowSeconds: 60, maxKeys: 2, now: () => 0 });
    for (const key of ['first', 'second']) {
      limiter.take(key, 1);
      limiter.take(key, 1);
    }
    limiter.take('third', 1);
    expect(limiter.take('second', 1).allowed).toBe(false);
    expect(limiter.take('first', 1).allowed).toBe(true);
  });

  it('frees the place of a key whose window has passed before that of a key still counting', () => {
    let now = 0;
    const limiter = createRateLimiter({ windowSeconds: 10, maxKeys: 2, now: () => now });
    limiter.take('stale', 1);
    limiter.take('stale', 1);
    now = 5_000;
    limiter.take('counting', 2);
    now = 10_000;
    limiter.take('new', 2);
    // 'counting' kept its place and its count: one more and it is over.
    expect(limiter.take('counting', 2).allowed).toBe(true);
    expect(limiter.take('counting', 2).allowed).toBe(false);
  });

  it('counts a key whose limit went up while it was over as within its limit again', () => {
    const limiter = createRateLimiter({ windowSeconds: 60, maxKeys: 2, now: () => 0 });
    limiter.take('raised', 1);
    expect(limiter.take('raised', 1).allowed).toBe(false);
    expect(limiter.take('raised', 5).allowed).toBe(true);
    limiter.take('other', 1);
    expect(limiter.take('other', 1).allowed).toBe(false);
    limiter.take('newcomer', 1);
    // The newcomer took the place of the key within its limit, not that of the key over it.
    expect(limiter.take('other', 1).allowed).toBe(false);
  });
});
