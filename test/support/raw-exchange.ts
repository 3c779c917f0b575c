import { connect } from 'node:net';

/** One response read off a socket: its status, headers by lower-case name, and JSON body. */
export interface RawReply {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  readonly body: unknown;
}

function parseReply(text: string): RawReply | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = text.slice(end + 4);
  if (body.length < Number(headers.get('content-length') ?? 0)) return undefined;
  let parsed: unknown;
  try {
    parsed = body === '' ? undefined : JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: parsed };
}

/**
 * Writes `bytes` as they are on a new loopback connection to `port` and resolves to the first
 * whole response (by its Content-Length), closing the connection then: for requests `fetch`
 * will not send (no Host, a declared length with no body, oversized headers).
 */
export function rawExchange(port: number, bytes: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const reply = parseReply(received);
      if (reply === undefined) return;
      socket.destroy();
      resolve(reply);
    });
    socket.on('close', () => reject(new Error(`connection closed after: ${received}`)));
    socket.on('error', reject);
  });
}
