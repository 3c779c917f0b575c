import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type net from 'node:net';

import { describe, expect, it, vi } from 'vitest';

import { installLoopbackGuard, isLoopbackHost } from './loopback-guard.js';

function fakeSocket() {
  const connect = vi.fn(function (this: unknown) {
    return this;
  });
  const destroy = vi.fn();
  return { connect, destroy } as unknown as net.Socket & {
    connect: typeof connect;
    destroy: typeof destroy;
  };
}

describe('installLoopbackGuard', () => {
  it('refuses a non-loopback host before the real connect runs', async () => {
    const socket = fakeSocket();
    const originalConnect = socket.connect;
    const guard = installLoopbackGuard(socket);

    socket.connect({ host: '169.254.169.254', port: 80 });
    socket.connect(443, 'login.microsoftonline.com');
    await new Promise((resolve) => process.nextTick(resolve));
    guard.uninstall();

    expect(originalConnect).not.toHaveBeenCalled();
    expect(socket.destroy).toHaveBeenCalledTimes(2);
    expect(guard.blocked().map((a) => a.host)).toEqual([
      '169.254.169.254',
      'login.microsoftonline.com',
    ]);
  });

  it('lets loopback and socket-path connections through', () => {
    const socket = fakeSocket();
    const originalConnect = socket.connect;
    const guard = installLoopbackGuard(socket);

    socket.connect({ host: '127.0.0.1', port: 1 });
    socket.connect({ host: '::1', port: 2 });
    socket.connect(3, 'localhost');
    socket.connect({ path: '/tmp/socket' });
    guard.uninstall();

    expect(originalConnect).toHaveBeenCalledTimes(4);
    expect(guard.attempts).toHaveLength(3);
    expect(guard.blocked()).toEqual([]);
    expect(socket.connect).toBe(originalConnect);
  });

  it('sees the connections node:http opens', async () => {
    const server = createServer((_, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const guard = installLoopbackGuard();

    const response = await new Promise<number>((resolve, reject) => {
      void import('node:http').then(({ get }) =>
        get({ host: '127.0.0.1', port, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject),
      );
    });
    guard.uninstall();
    await new Promise((resolve) => server.close(resolve));

    expect(response).toBe(200);
    expect(guard.attempts).toEqual([{ host: '127.0.0.1', port, allowed: true }]);
  });

  it('recognises the loopback names', () => {
    expect(['127.0.0.1', '127.3.2.1', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(
      true,
    );
    expect(['169.254.169.254', '10.0.0.1', 'vault.azure.net', '0.0.0.0'].some(isLoopbackHost)).toBe(
      false,
    );
  });
});
