import { createServer, type Server, type Socket } from 'node:net';

import type { PGlite } from '@electric-sql/pglite';

import { createScramServer, SCRAM_MECHANISM, type ScramExchange } from './scram-server.js';

/** Options of {@link startPgliteWireServer}. */
export interface PgliteWireServerOptions {
  readonly db: PGlite;
  /** Loopback address to bind: there is no TLS. */
  readonly host: '127.0.0.1' | '::1';
  /** The password every client must prove (SCRAM-SHA-256) before its startup reaches PGlite. */
  readonly password: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly maxConnections: number;
  /** How long a client may take to prove the password before it is dropped; 10 s by default. */
  readonly loginTimeoutMs?: number;
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
/** Longest startup packet Postgres itself accepts. */
const MAX_STARTUP_BYTES = 10_000;
/** Longest message, and longest unit, accepted from one client; beyond it the session ends. */
const MAX_UNIT_BYTES = 64 * 1024 * 1024;
/** A client not logged in by then is dropped: idle sockets could otherwise hold every place. */
const LOGIN_TIMEOUT_MS = 10_000;

const code = (type: string): number => type.charCodeAt(0);
/**
 * Frontend messages passed to PGlite: the extended and simple query protocols. Anything else
 * ends the session before it reaches PGlite, which exits on an unknown type and cannot run COPY
 * FROM STDIN (CopyData, CopyDone, CopyFail) or FunctionCall. The password messages are the wire
 * server's own: PGlite never sees them.
 */
const FORWARDED = new Set(['P', 'B', 'D', 'E', 'C', 'S', 'H', 'Q'].map(code));
/** Messages after which a client waits for the server: a unit of work ends there. */
const UNIT_END = new Set(['S', 'Q', 'H'].map(code));
const PASSWORD = code('p');
const TERMINATE = code('X');
const PARSE = code('P');
const QUERY = code('Q');
const READY_FOR_QUERY = code('Z');
const IDLE = code('I');
/** Part of a COPY FROM STDIN statement, which ends PGlite's program; it is refused unsent. */
const FROM_STDIN = /\bfrom\s+stdin\b/;

/** Whether a Query or Parse message may hold COPY FROM STDIN (two linear scans, no backtrack). */
function mayCopyFromStdin(message: Buffer): boolean {
  const text = message.toString('latin1').toLowerCase();
  return text.includes('copy') && FROM_STDIN.test(text);
}

/**
 * Whether the backend is idle outside a transaction after this reply: it ends in ReadyForQuery
 * with status `I`. Anything else (inside a transaction block, a failed one, mid-query after a
 * Flush) keeps the session's hold on the backend.
 */
function endsIdle(reply: Uint8Array): boolean {
  const at = reply.length - 6;
  return at >= 0 && reply[at] === READY_FOR_QUERY && reply[reply.length - 1] === IDLE;
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

/**
 * What releases the backend from a client that left holding it: Sync ends an extended query and
 * the skip-to-Sync state after an error, then a simple `ROLLBACK` ends any transaction block.
 */
const RELEASE = Buffer.concat([
  message('S', Buffer.alloc(0)),
  message('Q', Buffer.from('ROLLBACK\0', 'latin1')),
]);

/** An Authentication message: its code and data. */
function authentication(kind: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(kind, 0);
  return message('R', Buffer.concat([head, data]));
}

const SASL_OFFER = authentication(10, Buffer.from(`${SCRAM_MECHANISM}\0\0`, 'latin1'));
/** What a client that fails to prove the password gets, the same for every failure. */
const AUTH_FAILED = message(
  'E',
  Buffer.from('SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed\0\0', 'latin1'),
);

/** The data of a SASLInitialResponse for SCRAM-SHA-256, or undefined. */
function initialResponseOf(body: Buffer): string | undefined {
  const end = body.indexOf(0);
  if (end === -1 || body.subarray(0, end).toString('latin1') !== SCRAM_MECHANISM) return undefined;
  if (body.length < end + 5) return undefined;
  const length = body.readInt32BE(end + 1);
  const data = body.subarray(end + 5);
  return length === data.length ? data.toString('utf8') : undefined;
}

/** A well-formed v3 startup packet: NUL-terminated name/value pairs, a `user`, a final NUL. */
function isWellFormedStartup(packet: Buffer): boolean {
  const body = packet.subarray(8);
  if (body.length < 2 || body[body.length - 1] !== 0 || body[body.length - 2] !== 0) return false;
  const fields = body.subarray(0, -2).toString('utf8').split('\0');
  if (fields.length % 2 !== 0) return false;
  const names = fields.filter((_, index) => index % 2 === 0);
  return names.every((name) => name.length > 0) && names.includes('user');
}

interface Session {
  readonly socket: Socket;
  /** Bytes received and not yet framed. */
  pending: Buffer;
  /** Whole messages of the unit being received, and their size. */
  unit: Buffer[];
  unitBytes: number;
  started: boolean;
  closed: boolean;
  /** Until the password is proved: the startup packet held back, and the SCRAM step. */
  login: { readonly startup: Buffer; exchange?: ScramExchange } | undefined;
  /** Refused: the reason is on its way out, nothing more is read. */
  refused: boolean;
}

interface Unit {
  readonly session: Session;
  readonly bytes: Buffer;
  /** The release of a departed client: its reply is checked, not sent. */
  readonly release: boolean;
}

/**
 * Serves one PGlite on the Postgres wire protocol (v3) to many `pg` connections that share its
 * single backend session, one unit of work at a time.
 *
 * A unit is everything a client sends up to the message it then waits on (Sync, a simple Query,
 * Flush, a password), so the Parse/Bind/Execute of one client's statement never interleaves with
 * another client's: on a shared session that would bind one client's parameters to another's
 * unnamed statement. While a reply leaves the backend busy (a transaction block open, a failed
 * one, a query in progress), only that client's units run until it is idle again; a client that
 * disconnects holding it is released (Sync, then ROLLBACK). Each unit goes to PGlite in one call
 * and its whole reply back in one write.
 *
 * Only the query protocols reach PGlite: an unknown message type, a malformed startup packet,
 * COPY FROM STDIN or FunctionCall ends that client's session (PGlite exits on some of them). If
 * PGlite fails anyway, or a release does not leave it idle, the server stops serving: every
 * session is closed and new connections are refused, rather than let clients share a backend
 * in an unknown state.
 *
 * Before a client's startup packet reaches PGlite (which trusts everyone), the client proves the
 * server's password with SCRAM-SHA-256: a wrong or missing password gets SQLSTATE 28P01 and the
 * connection closes.
 *
 * > [!WARNING]
 * > No TLS: bind to loopback only, for local use and tests. A client that opens a transaction
 * > and stalls holds every other client until it ends.
 */
export async function startPgliteWireServer(
  options: PgliteWireServerOptions,
): Promise<PgliteWireServer> {
  const { db } = options;
  const scram = createScramServer(options.password);
  const sessions = new Set<Session>();
  const queue: Unit[] = [];
  // The session holding the backend (open transaction, query in progress); only its units run.
  let owner: Session | undefined;
  let pumping: Promise<void> | undefined;
  let failed = false;

  const releaseOf = (session: Session): Unit => ({ session, bytes: RELEASE, release: true });

  const drop = (session: Session): void => {
    if (session.closed) return;
    session.closed = true;
    sessions.delete(session);
    for (let i = queue.length - 1; i >= 0; i -= 1) {
      if (queue[i]?.session === session) queue.splice(i, 1);
    }
    if (owner === session && !failed) queue.unshift(releaseOf(session));
    session.socket.destroy();
    pump();
  };

  /** The backend is in an unknown state: nobody may use it again. */
  const fail = (): void => {
    failed = true;
    owner = undefined;
    queue.length = 0;
    for (const session of [...sessions]) drop(session);
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
      // PGlite itself failed (an SQL error comes back as an ErrorResponse instead).
      fail();
      return;
    }
    const reply = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    if (unit.release) {
      if (endsIdle(reply)) owner = undefined;
      else fail();
      return;
    }
    // An empty reply (a lone Flush) changes nothing: it neither takes nor frees the backend.
    if (reply.length > 0) owner = endsIdle(reply) ? undefined : unit.session;
    if (unit.session.closed) {
      // The client left while this unit ran and it now holds the backend: release it.
      if (owner === unit.session) queue.unshift(releaseOf(unit.session));
      return;
    }
    if (reply.length > 0) unit.session.socket.write(reply);
  };

  const nextUnit = (): Unit | undefined => {
    if (failed) return undefined;
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
    queue.push({ session, bytes: Buffer.concat(messages), release: false });
    pump();
  };

  /** Handles the untyped packets before startup; returns false when the session must end. */
  const frameStartup = (session: Session): boolean | 'wait' => {
    const buffered = session.pending;
    if (buffered.length < 8) return 'wait';
    const length = buffered.readInt32BE(0);
    const version = buffered.readInt32BE(4);
    if (length < 8 || length > MAX_STARTUP_BYTES) return false;
    if (buffered.length < length) return 'wait';
    const packet = buffered.subarray(0, length);
    session.pending = buffered.subarray(length);
    if (version === SSL_REQUEST || version === GSSENC_REQUEST) {
      session.socket.write('N');
      return true;
    }
    // A CancelRequest (PGlite has no backend process to signal) or another protocol ends here.
    if (version !== PROTOCOL_3 || !isWellFormedStartup(packet)) return false;
    session.started = true;
    session.login = { startup: packet };
    session.socket.write(SASL_OFFER);
    return true;
  };

  /** Sends the failure and closes once it is out; nothing more is read. */
  const refuse = (session: Session): boolean => {
    session.refused = true;
    session.socket.end(AUTH_FAILED, () => session.socket.destroy());
    return true;
  };

  /** One password message of the SCRAM exchange; the startup goes to PGlite once it is proved. */
  const authenticate = (session: Session, body: Buffer): boolean => {
    const login = session.login;
    if (login === undefined) return false;
    if (login.exchange === undefined) {
      const clientFirst = initialResponseOf(body);
      const begun = clientFirst === undefined ? undefined : scram.begin(clientFirst);
      if (begun === undefined) return refuse(session);
      login.exchange = begun.exchange;
      session.socket.write(authentication(11, Buffer.from(begun.serverFirst, 'utf8')));
      return true;
    }
    const serverFinal = scram.finish(login.exchange, body.toString('utf8'));
    if (serverFinal === undefined) return refuse(session);
    session.login = undefined;
    session.socket.write(authentication(12, Buffer.from(serverFinal, 'utf8')));
    enqueue(session, [login.startup]);
    return true;
  };

  /** Frames what has arrived; returns false when the session must end. */
  const frame = (session: Session): boolean => {
    for (;;) {
      if (!session.started) {
        const outcome = frameStartup(session);
        if (outcome !== true) return outcome === 'wait';
        continue;
      }
      const buffered = session.pending;
      if (buffered.length < 5) return true;
      const type = buffered[0] ?? 0;
      const length = buffered.readInt32BE(1);
      if (type === TERMINATE) return false;
      if (session.login !== undefined) {
        // Only the password exchange may come before the startup is let through.
        if (type !== PASSWORD || length < 4 || length > MAX_STARTUP_BYTES) return false;
        if (buffered.length < 1 + length) return true;
        session.pending = buffered.subarray(1 + length);
        if (!authenticate(session, buffered.subarray(5, 1 + length))) return false;
        if (session.refused) return true;
        continue;
      }
      if (!FORWARDED.has(type) || length < 4) return false;
      if (session.unitBytes + 1 + length > MAX_UNIT_BYTES) return false;
      if (buffered.length < 1 + length) return true;
      const message = buffered.subarray(0, 1 + length);
      session.pending = buffered.subarray(1 + length);
      if ((type === QUERY || type === PARSE) && mayCopyFromStdin(message)) return false;
      session.unit.push(message);
      session.unitBytes += message.length;
      if (UNIT_END.has(type)) {
        const unit = session.unit;
        session.unit = [];
        session.unitBytes = 0;
        enqueue(session, unit);
      }
    }
  };

  const accept = (socket: Socket): void => {
    if (failed || sessions.size >= options.maxConnections) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const session: Session = {
      socket,
      pending: Buffer.alloc(0),
      unit: [],
      unitBytes: 0,
      started: false,
      closed: false,
      login: undefined,
      refused: false,
    };
    sessions.add(session);
    const deadline = setTimeout(() => {
      if (!session.started || session.login !== undefined) drop(session);
    }, options.loginTimeoutMs ?? LOGIN_TIMEOUT_MS).unref();
    socket.on('data', (chunk: Buffer) => {
      if (session.closed || session.refused) return;
      session.pending =
        session.pending.length === 0 ? chunk : Buffer.concat([session.pending, chunk]);
      if (!frame(session)) drop(session);
    });
    socket.on('error', () => drop(session));
    socket.on('close', () => drop(session));
    socket.once('close', () => clearTimeout(deadline));
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
