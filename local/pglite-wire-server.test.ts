import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startPgliteWireServer, type PgliteWireServer } from './pglite-wire-server.js';

let db: PGlite;
let server: PgliteWireServer;
let url: string;
const PASSWORD = 'wire-test-password';
const opened: { end(): Promise<void> }[] = [];

beforeEach(async () => {
  db = await PGlite.create();
  server = await startPgliteWireServer({
    db,
    host: '127.0.0.1',
    port: 0,
    password: PASSWORD,
    maxConnections: 8,
  });
  url = `postgres://postgres:${PASSWORD}@127.0.0.1:${server.port}/postgres`;
  await db.exec('CREATE TABLE ledger (n int)');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((each) => each.end().catch(() => undefined)));
  await server.stop();
  await db.close();
});

async function client(): Promise<pg.Client> {
  const created = new pg.Client({ connectionString: url });
  created.on('error', () => undefined);
  await created.connect();
  opened.push(created);
  return created;
}

async function count(): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger');
  return rows[0]?.n ?? -1;
}

/** Sends raw bytes on a fresh connection and resolves with everything the server sent back. */
function exchange(bytes: Buffer): Promise<{ reply: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = (closed: boolean) => {
      socket.destroy();
      resolve({ reply: Buffer.concat(chunks), closed });
    };
    const timer = setTimeout(() => finish(false), 500);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      finish(true);
    });
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

/** One protocol message: type, length, body. */
function frontend(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

const cstring = (text: string): Buffer => Buffer.from(`${text}\0`, 'utf8');

function startupPacket(body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(196608, 4);
  return Buffer.concat([header, body]);
}

/** Resolves with the next whole backend message on `socket`: its type and body. */
function nextMessage(socket: Socket): Promise<{ type: string; body: Buffer }> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 5 || buffered.length < 1 + buffered.readInt32BE(1)) return;
      socket.off('data', onData);
      const end = 1 + buffered.readInt32BE(1);
      if (buffered.length > end) socket.unshift(buffered.subarray(end));
      resolve({ type: buffered.toString('latin1', 0, 1), body: buffered.subarray(5, end) });
    };
    socket.on('data', onData);
  });
}

/**
 * The client side of SCRAM-SHA-256 (RFC 5802), written here from the RFC rather than taken from
 * the server module, on a socket that sent its startup packet. Resolves with what followed.
 */
async function proveScram(socket: Socket, password: string): Promise<Buffer> {
  const offer = await nextMessage(socket);
  expect(offer.body.toString('latin1')).toContain('SCRAM-SHA-256');
  const clientNonce = randomBytes(18).toString('base64');
  const bare = `n=*,r=${clientNonce}`;
  const first = Buffer.from(`n,,${bare}`, 'utf8');
  const length = Buffer.alloc(4);
  length.writeInt32BE(first.length, 0);
  socket.write(frontend('p', Buffer.concat([cstring('SCRAM-SHA-256'), length, first])));
  const serverFirst = (await nextMessage(socket)).body.subarray(4).toString('utf8');
  const field = (name: string) =>
    serverFirst
      .split(',')
      .find((part) => part.startsWith(`${name}=`))
      ?.slice(2) ?? '';
  const salted = pbkdf2Sync(
    password,
    Buffer.from(field('s'), 'base64'),
    Number(field('i')),
    32,
    'sha256',
  );
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=biws,r=${field('r')}`;
  const signature = createHmac('sha256', storedKey)
    .update(`${bare},${serverFirst},${withoutProof}`)
    .digest();
  const proof = Buffer.from(clientKey.map((byte, index) => byte ^ (signature[index] ?? 0)));
  socket.write(frontend('p', Buffer.from(`${withoutProof},p=${proof.toString('base64')}`)));
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (Buffer.concat(chunks).includes('Z\0\0\0\x05I', 0, 'latin1')) resolve();
    });
    socket.once('close', () => resolve());
  });
  return Buffer.concat(chunks);
}

/** A raw protocol client, for what `pg` never sends, past the password exchange. */
async function rawClient(): Promise<{ send(bytes: Buffer): void; closed: Promise<void> }> {
  const socket = connect(server.port, '127.0.0.1');
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(startupPacket(Buffer.concat([cstring('user'), cstring('postgres'), cstring('')])));
  await proveScram(socket, PASSWORD);
  return { send: (bytes) => socket.write(bytes), closed };
}

describe('startPgliteWireServer', () => {
  it('gives four connections at once each its own parameterised result', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    opened.push(pool);
    const outcomes = await Promise.all(
      [1, 2, 3, 4].map(async (k) => {
        let wrong = 0;
        for (let i = 0; i < 100; i += 1) {
          // Two statement shapes, so a Bind that reached another client's Parse would fail.
          const { rows } =
            k % 2 === 1
              ? await pool.query<{ v: number }>(`SELECT $1::int * ${k} AS v`, [i])
              : await pool.query<{ v: string }>(`SELECT $1::text || '-${k}' AS v`, [i]);
          if (rows[0]?.v !== (k % 2 === 1 ? i * k : `${i}-${k}`)) wrong += 1;
        }
        return wrong;
      }),
    );
    expect(outcomes).toEqual([0, 0, 0, 0]);
  });

  it("holds other connections' statements out of an open transaction until it ends", async () => {
    const owner = await client();
    const other = await client();
    await owner.query('BEGIN');
    await owner.query('INSERT INTO ledger VALUES ($1)', [1]);
    const outside = other.query('INSERT INTO ledger VALUES ($1)', [2]);
    // The other client's insert waits; it is not swallowed into the owner's transaction.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await owner.query('ROLLBACK');
    await outside;
    const { rows } = await other.query<{ n: number }>('SELECT n FROM ledger ORDER BY n');
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('rolls back a client that leaves mid-transaction and serves the others', async () => {
    const leaver = await client();
    const stayer = await client();
    await leaver.query('BEGIN');
    await leaver.query('INSERT INTO ledger VALUES ($1)', [7]);
    const waiting = stayer.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger');
    await leaver.end();
    const { rows } = await waiting;
    expect(rows).toEqual([{ n: 0 }]);
    expect(await count()).toBe(0);
  });

  it('releases a client that leaves while the backend skips to Sync after an error', async () => {
    const raw = await rawClient();
    raw.send(frontend('Q', cstring('BEGIN')));
    raw.send(frontend('Q', cstring('INSERT INTO ledger VALUES (666)')));
    // An extended query that fails, then Flush instead of Sync: the backend skips to the next Sync.
    raw.send(
      Buffer.concat([
        frontend(
          'P',
          Buffer.concat([cstring(''), cstring('SELECT * FROM no_such_table'), Buffer.alloc(2)]),
        ),
        frontend('H'),
      ]),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    raw.send(frontend('X'));
    await raw.closed;
    const other = await client();
    expect(
      (await other.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger')).rows,
    ).toEqual([{ n: 0 }]);
    expect((await other.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it.each([
    ['an unknown message type', frontend('Y')],
    ['CopyData outside COPY', frontend('d', Buffer.from('1\n'))],
    ['COPY FROM STDIN', frontend('Q', cstring('COPY ledger FROM STDIN'))],
  ])(
    'ends the session of a client that sends %s and keeps serving the others',
    async (_, bytes) => {
      const raw = await rawClient();
      raw.send(Buffer.concat([bytes, frontend('S')]));
      await raw.closed;
      const other = await client();
      expect((await other.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    },
  );

  it('refuses a wrong password (28P01) or none, before PGlite sees the client', async () => {
    const attempt = async (connectionString: string): Promise<unknown> => {
      const refused = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
      refused.on('error', () => undefined);
      return refused.connect().then(
        () => 'connected',
        (cause: unknown) => cause,
      );
    };
    const wrong = await attempt(`postgres://postgres:not-it@127.0.0.1:${server.port}/postgres`);
    expect((wrong as { code?: unknown }).code).toBe('28P01');
    // Without a password, pg cannot even answer the SCRAM offer.
    const none = await attempt(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
    expect(none).toBeInstanceOf(Error);
    const other = await client();
    expect((await other.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('ends a session that sends a query instead of proving the password', async () => {
    const startup = startupPacket(
      Buffer.concat([cstring('user'), cstring('postgres'), cstring('')]),
    );
    const skipped = await exchange(
      Buffer.concat([startup, frontend('Q', cstring('INSERT INTO ledger VALUES (13)'))]),
    );
    expect(skipped.closed).toBe(true);
    expect(skipped.reply.includes('Z\0\0\0\x05I', 0, 'latin1')).toBe(false);
    expect(await count()).toBe(0);
  });

  it('proves itself to the client: a hand-written SCRAM client reaches ReadyForQuery', async () => {
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(startupPacket(Buffer.concat([cstring('user'), cstring('postgres'), cstring('')])));
    const after = await proveScram(socket, PASSWORD);
    socket.destroy();
    expect(after.toString('latin1')).toContain('v=');
    expect(after.includes('Z\0\0\0\x05I', 0, 'latin1')).toBe(true);
  });

  it('refuses a startup packet without its terminator, then accepts the next client', async () => {
    const broken = startupPacket(Buffer.concat([cstring('user'), Buffer.from('postgres')]));
    expect((await exchange(broken)).closed).toBe(true);
    const other = await client();
    expect((await other.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('lets an idle client send a lone Flush without holding the others', async () => {
    const raw = await rawClient();
    raw.send(frontend('H'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = await client();
    expect((await other.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('answers an SSL request with N and closes one speaking another protocol', async () => {
    const ssl = Buffer.alloc(8);
    ssl.writeInt32BE(8, 0);
    ssl.writeInt32BE(80877103, 4);
    expect((await exchange(ssl)).reply.toString('latin1')).toBe('N');

    const unknown = Buffer.alloc(8);
    unknown.writeInt32BE(8, 0);
    unknown.writeInt32BE(0x00020000, 4);
    expect(await exchange(unknown)).toEqual({ reply: Buffer.alloc(0), closed: true });
  });

  it('closes a connection that announces an impossible message length', async () => {
    const startup = await client();
    expect((await startup.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const oversized = Buffer.alloc(8);
    oversized.writeInt32BE(1 << 20, 0);
    oversized.writeInt32BE(196608, 4);
    expect((await exchange(oversized)).closed).toBe(true);
  });

  it('refuses connections beyond its limit', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => client()));
    expect(clients).toHaveLength(8);
    const extra = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    extra.on('error', () => undefined);
    await expect(extra.connect()).rejects.toThrow();
  });

  it('drops clients that do not log in in time, so they cannot hold every place', async () => {
    const guarded = await startPgliteWireServer({
      db,
      host: '127.0.0.1',
      port: 0,
      password: PASSWORD,
      maxConnections: 2,
      loginTimeoutMs: 200,
    });
    const guardedUrl = `postgres://postgres:${PASSWORD}@127.0.0.1:${guarded.port}/postgres`;
    const connectGuarded = async (): Promise<pg.Client> => {
      const created = new pg.Client({
        connectionString: guardedUrl,
        connectionTimeoutMillis: 1000,
      });
      created.on('error', () => undefined);
      await created.connect();
      opened.push(created);
      return created;
    };
    try {
      const early = await connectGuarded();
      const silent = connect(guarded.port, '127.0.0.1');
      silent.on('error', () => undefined);
      const closed = new Promise((resolve) => silent.on('close', () => resolve('closed')));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(connectGuarded()).rejects.toThrow();
      const open = new Promise((resolve) => setTimeout(() => resolve('open'), 2000));
      expect(await Promise.race([closed, open])).toBe('closed');
      const later = await connectGuarded();
      expect((await later.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      expect((await early.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    } finally {
      await guarded.stop();
    }
  });

  it('stops with clients still connected, one of them inside a transaction', async () => {
    const holder = await client();
    await holder.query('BEGIN');
    await holder.query('INSERT INTO ledger VALUES ($1)', [3]);
    await server.stop();
    expect(await count()).toBe(0);
  });
});
