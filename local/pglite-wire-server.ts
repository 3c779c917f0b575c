import { createServer, type Server, type Socket } from 'node:net';

import type { PGlite } from '@electric-sql/pglite';

/** Options of {@link startPgliteWireServer}. */
export interface PgliteWireServerOptions {
  readonly db: PGlite;
  /** Loopback address to bind; the server has no authentication. */
  readonly host: '127.0.0.1' | '::1';
  /** 0 picks a free port. */
  readonly port: number;
  readonly maxConnections: number;
}

/** A listening wire server over one PGlite. */
export interface PgliteWireServer {
  readonly port: number;
  /** Refuses new connections, drops the open ones (rolling back an open transaction). */
  stop(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;
/** Longest message accepted (1 GiB, the server's own limit); anything longer ends the session. */
const MAX_MESSAGE_BYTES = 1 << 30;
/** Message types after which a client waits for the server: a unit of work ends there. */
const UNIT_END = new Set(['S', 'Q', 'H', 'c', 'f', 'p'].map((type) => type.charCodeAt(0)));
const TERMINATE = 'X'.charCodeAt(0);
const READY_FOR_QUERY = 'Z'.charCodeAt(0);
const IDLE = 'I'.charCodeAt(0);

/**
 * Whether the backend is idle outside a transaction after this reply: it ends in ReadyForQuery
 * with status `I`. Anything else (inside a transaction block, a failed one, mid-query after a
 * Flush, in COPY) keeps the session's hold on the backend.
 */
function endsIdle(reply: Uint8Array): boolean {
  const at = reply.length - 6;
  return at >= 0 && reply[at] === READY_FOR_QUERY && reply[reply.length - 1] === IDLE;
}

/** A simple-protocol `ROLLBACK`, sent for a client that leaves inside a transaction. */
function rollbackMessage(): Buffer {
  const text = Buffer.from('ROLLBACK\0', 'latin1');
  const header = Buffer.alloc(5);
  header.write('Q', 0, 'latin1');
  header.writeInt32BE(4 + text.length, 1);
  return Buffer.concat([header, text]);
}

interface Session {
  readonly socket: Socket;
  /** Bytes received and not yet framed. */
  pending: Buffer;
  /** Whole messages of the unit being received. */
  unit: Buffer[];
  started: boolean;
  closed: boolean;
}

interface Unit {
  readonly session: Session;
  readonly bytes: Buffer;
  /** The reply is dropped (the rollback of a departed client). */
  readonly silent: boolean;
}

/**
 * Serves one PGlite on the Postgres wire protocol (v3) to many `pg` connections that share its
 * single backend session, one unit of work at a time.
 *
 * A unit is everything a client sends up to the message it then waits on (Sync, a simple Query,
 * Flush, CopyDone or CopyFail), so the Parse/Bind/Execute of one client's statement never
 * interleaves with another client's: on a shared session that would bind one client's
 * parameters to another's unnamed statement. While a unit leaves the backend busy (a transaction
 * block open, a query or COPY in progress), only that client's units run until it is idle again;
 * a client that disconnects holding it is rolled back.
 * Each unit goes to PGlite in one call and its whole reply back in one write.
 *
 * > [!WARNING]
 * > No authentication and no TLS: bind to loopback only, for local use and tests. A client that
 * > opens a transaction and stalls holds every other client until it ends.
 */
export async function startPgliteWireServer(
  options: PgliteWireServerOptions,
): Promise<PgliteWireServer> {
  const { db } = options;
  const sessions = new Set<Session>();
  const queue: Unit[] = [];
  // The session holding the backend (open transaction, query in progress); only its units run.
  let owner: Session | undefined;
  let pumping: Promise<void> | undefined;

  const rollbackOf = (session: Session): Unit => ({
    session,
    bytes: rollbackMessage(),
    silent: true,
  });

  const drop = (session: Session): void => {
    if (session.closed) return;
    session.closed = true;
    sessions.delete(session);
    for (let i = queue.length - 1; i >= 0; i -= 1) {
      if (queue[i]?.session === session) queue.splice(i, 1);
    }
    if (owner === session) queue.unshift(rollbackOf(session));
    session.socket.destroy();
    pump();
  };

  const runUnit = async (unit: Unit): Promise<void> => {
    const chunks: Buffer[] = [];
    try {
      // The streaming call hands back raw bytes; the plain one would also parse every reply.
      await db.runExclusive(() =>
        db.execProtocolRawStream(unit.bytes, {
          // A view into PGlite's memory, valid only during the callback: copy it.
          onRawData: (data) => chunks.push(Buffer.from(data)),
        }),
      );
    } catch {
      // PGlite itself failed (not an SQL error, which comes back as an ErrorResponse).
      owner = undefined;
      drop(unit.session);
      return;
    }
    const reply = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    owner = unit.silent || endsIdle(reply) ? undefined : unit.session;
    if (unit.session.closed) {
      // The client left while this unit ran and it still holds the backend: roll it back.
      if (owner === unit.session) queue.unshift(rollbackOf(unit.session));
      return;
    }
    if (!unit.silent && reply.length > 0) unit.session.socket.write(reply);
  };

  const nextUnit = (): Unit | undefined => {
    const index = owner === undefined ? 0 : queue.findIndex((unit) => unit.session === owner);
    return index === -1 ? undefined : queue.splice(index, 1)[0];
  };

  // Runs queued units one at a time; `pumping` is set while it runs (stop() waits on it).
  function pump(): void {
    if (pumping !== undefined) return;
    const run = async (): Promise<void> => {
      for (let unit = nextUnit(); unit !== undefined; unit = nextUnit()) await runUnit(unit);
    };
    pumping = Promise.resolve()
      .then(run)
      .finally(() => {
        pumping = undefined;
      });
  }

  const enqueue = (session: Session, messages: Buffer[]): void => {
    queue.push({ session, bytes: Buffer.concat(messages), silent: false });
    pump();
  };

  /** Frames what has arrived; returns false when the session must end. */
  const frame = (session: Session): boolean => {
    for (;;) {
      const buffered = session.pending;
      if (!session.started) {
        if (buffered.length < 8) return true;
        const length = buffered.readInt32BE(0);
        const code = buffered.readInt32BE(4);
        if (length < 8 || length > 10_000) return false;
        if (buffered.length < length) return true;
        const message = buffered.subarray(0, length);
        session.pending = buffered.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          session.socket.write('N');
        } else if (code === PROTOCOL_3) {
          session.started = true;
          enqueue(session, [message]);
        } else {
          // A CancelRequest (PGlite has no backend process to signal) or another protocol.
          return false;
        }
        continue;
      }
      if (buffered.length < 5) return true;
      const type = buffered[0] ?? 0;
      const length = buffered.readInt32BE(1);
      if (length < 4 || length > MAX_MESSAGE_BYTES) return false;
      if (buffered.length < 1 + length) return true;
      const message = buffered.subarray(0, 1 + length);
      session.pending = buffered.subarray(1 + length);
      if (type === TERMINATE) return false;
      session.unit.push(message);
      if (UNIT_END.has(type)) {
        const unit = session.unit;
        session.unit = [];
        enqueue(session, unit);
      }
    }
  };

  const accept = (socket: Socket): void => {
    if (sessions.size >= options.maxConnections) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const session: Session = {
      socket,
      pending: Buffer.alloc(0),
      unit: [],
      started: false,
      closed: false,
    };
    sessions.add(session);
    socket.on('data', (chunk: Buffer) => {
      if (session.closed) return;
      session.pending =
        session.pending.length === 0 ? chunk : Buffer.concat([session.pending, chunk]);
      if (!frame(session)) drop(session);
    });
    socket.on('error', () => drop(session));
    socket.on('close', () => drop(session));
  };

  const server: Server = createServer(accept);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('wire server: no port');

  return {
    port: address.port,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of [...sessions]) drop(session);
      await closed;
      while (pumping !== undefined) await pumping;
    },
  };
}
