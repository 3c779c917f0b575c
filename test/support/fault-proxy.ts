import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** What the proxy does with traffic: pass it, refuse it, or hold it without an answer. */
export type FaultMode = 'up' | 'down' | 'stall';

/** A loopback TCP proxy in front of a store, for cutting and slowing it mid-test. */
export interface FaultProxy {
  /** `targetUrl` with host and port replaced by the proxy's. */
  readonly url: string;
  readonly mode: FaultMode;
  /**
   * `down` drops every open connection and refuses new ones (a crash or restart); `stall` drops
   * open connections and accepts new ones but never answers (a store too slow to log in to);
   * `up` forwards again.
   */
  setMode(mode: FaultMode): void;
  /**
   * Goes `down` the moment a client sends bytes matching `pattern` (before they reach the
   * store), to cut a request between two of its statements. Resolves when it has fired.
   */
  cutWhen(pattern: RegExp): Promise<void>;
  close(): Promise<void>;
}

/** Starts a {@link FaultProxy} on 127.0.0.1 in front of the `postgres://` URL `targetUrl`. */
export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let mode: FaultMode = 'up';
  let trip: { pattern: RegExp; fire: () => void } | undefined;

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const dropAll = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  const setMode = (next: FaultMode): void => {
    mode = next;
    if (next !== 'up') dropAll();
  };

  const server = createServer((client) => {
    track(client);
    if (mode === 'down') {
      client.destroy();
      return;
    }
    // Held: the client waits for a server greeting that never comes.
    if (mode === 'stall') return;
    const upstream = connect(Number(target.port), target.hostname);
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      if (trip !== undefined && trip.pattern.test(chunk.toString('latin1'))) {
        const { fire } = trip;
        trip = undefined;
        setMode('down');
        fire();
        return;
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = new URL(targetUrl);
  url.host = `127.0.0.1:${port}`;

  return {
    url: url.toString(),
    get mode() {
      return mode;
    },
    setMode,
    cutWhen: (pattern) => new Promise<void>((fire) => (trip = { pattern, fire })),
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
