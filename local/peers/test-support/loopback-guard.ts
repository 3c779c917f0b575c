import net from 'node:net';

/** One outbound TCP connection a process tried to open while the guard was installed. */
export interface ConnectionAttempt {
  readonly host: string;
  readonly port: number | undefined;
  /** False when the guard refused it because the host is not a loopback address. */
  readonly allowed: boolean;
}

/** An installed guard: what it saw, and how to remove it. */
export interface LoopbackGuard {
  readonly attempts: readonly ConnectionAttempt[];
  /** Attempts the guard refused; a test asserts this stays empty. */
  blocked(): readonly ConnectionAttempt[];
  uninstall(): void;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True for the loopback names and addresses a local peer may listen on. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

function readTarget(args: unknown[]): { host: string; port: number | undefined } | undefined {
  const [first, second] = args;
  if (Array.isArray(first)) return readTarget(first);
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof options.path === 'string') return undefined;
    const host = typeof options.host === 'string' ? options.host : 'localhost';
    return { host, port: Number(options.port) };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof second === 'string' ? second : 'localhost', port: Number(first) };
  }
  return undefined;
}

/**
 * Watches every outbound TCP connection of this process (`node:http`, `node:https`, `node:tls`
 * and undici all end in `net.Socket#connect`) and refuses any whose host is not loopback, so a
 * test proves that nothing, defaults included, was aimed at another host or the instance
 * metadata address. A refused socket fails asynchronously with `ECONNREFUSED`-like error.
 *
 * For tests. Connections to a local socket path (IPC) pass unrecorded. `target` is the object
 * whose `connect` is wrapped; only the guard's own test passes anything but the default.
 */
export function installLoopbackGuard(
  target: Pick<net.Socket, 'connect'> = net.Socket.prototype,
): LoopbackGuard {
  const attempts: ConnectionAttempt[] = [];
  const original = target.connect;

  function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const target = readTarget(args);
    if (target !== undefined) {
      const allowed = isLoopbackHost(target.host);
      attempts.push({ ...target, allowed });
      if (!allowed) {
        const error = Object.assign(new Error('Blocked by the loopback guard'), {
          code: 'ECONNREFUSED',
        });
        process.nextTick(() => this.destroy(error));
        return this;
      }
    }
    return (original as (...rest: unknown[]) => net.Socket).apply(this, args);
  }

  target.connect = guardedConnect;
  return {
    attempts,
    blocked: () => attempts.filter((attempt) => !attempt.allowed),
    uninstall: () => {
      target.connect = original;
    },
  };
}
