import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

/** A loopback TCP proxy that can be switched off, to make a store "go down" mid-test. */
export interface ToggleProxy {
  /** `url` with host and port replaced by the proxy's. */
  readonly url: string;
  /** Down: drops every open connection and closes new ones at once. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startToggleProxy(targetUrl: string): Promise<ToggleProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let isDown = false;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (isDown) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = new URL(targetUrl);
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.toString(),
    setDown(down) {
      isDown = down;
      if (down) for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
