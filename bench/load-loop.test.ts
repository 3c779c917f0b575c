import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { describe, expect, it } from 'vitest';

import { median, medianInterval, runLoad } from './load-loop.js';

/** A loopback server answering `status` to every request; records each Authorization header. */
async function serve(status: number): Promise<{ url: string; server: Server; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers.authorization ?? '');
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ items: [1, 2, 3] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/v1/awards`, server, seen };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('runLoad', () => {
  it('counts every answered request, sends the headers, and keeps its connections', async () => {
    const { url, server, seen } = await serve(200);
    let connections = 0;
    server.on('connection', () => (connections += 1));
    try {
      const first = await runLoad(url, {
        headers: { authorization: 'Bearer abc' },
        concurrency: 4,
        durationMs: 100,
      });
      const second = await runLoad(url, { concurrency: 4, durationMs: 100 });
      expect(first.errors).toBe(0);
      expect(first.requests).toBeGreaterThan(4);
      expect(first.perSecond).toBeGreaterThan(0);
      expect(seen.length).toBe(first.requests + second.requests);
      expect(seen.slice(0, first.requests).every((value) => value === 'Bearer abc')).toBe(true);
      // Keep-alive: the second run reuses the first run's four sockets.
      expect(connections).toBe(4);
    } finally {
      await stop(server);
    }
  });

  it('counts answers other than 200 as errors', async () => {
    const { url, server } = await serve(503);
    try {
      const result = await runLoad(url, { concurrency: 2, durationMs: 50 });
      expect(result.requests).toBeGreaterThan(0);
      expect(result.errors).toBe(result.requests);
    } finally {
      await stop(server);
    }
  });

  it('counts a refused connection as an error instead of failing the run', async () => {
    const { url, server } = await serve(200);
    await stop(server);
    const result = await runLoad(url, { concurrency: 1, durationMs: 30 });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.errors).toBe(result.requests);
  });
});

describe('medianInterval', () => {
  it('brackets the median, and collapses to it when every value is the same', () => {
    const values = Array.from({ length: 41 }, (_, i) => i);
    const [low, high] = medianInterval(values);
    expect(low).toBeLessThanOrEqual(median(values));
    expect(high).toBeGreaterThanOrEqual(median(values));
    expect(medianInterval([7, 7, 7, 7])).toEqual([7, 7]);
  });
});
