import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';

import type {
  HttpRequest as FunctionsRequest,
  HttpResponseInit,
  InvocationContext as FunctionsContext,
} from '@azure/functions';

import { createHttpHandler } from '../../shared/http/http-pipeline.js';
import { toProblem, PROBLEM_CONTENT_TYPE } from '../../shared/http/problem.js';
import { readableByOrigin, SECURITY_HEADERS } from '../../shared/http/response-headers.js';
import { AppError } from '../../shared/errors/app-error.js';
import { errorNameOf } from '../../shared/errors/error-name.js';
import type { HttpFunctionDefinition } from '../../shared/registry/function-registry.js';
import { HttpRequest, InvocationContext } from '../../shared/runtime/functions-runtime.js';
import { PARSER_REFUSALS, rawResponse } from './raw-response.js';
import { headerEntries, lastOnConnection, writeResponse } from './write-response.js';
import { createRouteTable } from './route-table.js';

/** Headers the platform owns. A client-sent copy is dropped, never passed to a function. */
const PLATFORM_HEADERS = new Set(['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']);

/**
 * A path a URL parser would rewrite before routing: a backslash (read as `/`) or a dot segment,
 * also percent-encoded (`/api/../admin/…`, `/api/%2e/health`). Refused, not normalised, so a
 * request reaches only the route its path names as sent.
 */
const AMBIGUOUS_PATH = /\\|\/(?:\.|%2e){1,2}(?:\/|$)/i;

/** The host reads no more of a body than this, whatever a function allows. */
const HOST_BODY_CEILING = 16 * 1024 * 1024;

export interface LocalHttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly definitions: readonly HttpFunctionDefinition[];
  /** Extra routes outside `/api` (the admin endpoint), matched before the function table. */
  readonly adminDefinitions?: readonly HttpFunctionDefinition[];
  /** Body limit of functions that set none; the host reads no more than a function accepts. */
  readonly maxBodyBytes?: number;
  /** How a definition becomes a handler; the request pipeline unless the benchmark says else. */
  readonly createHandler?: (definition: HttpFunctionDefinition) => HostHandler;
  /** How long `close()` waits for requests in flight before it cuts their connections. */
  readonly closeGraceMs?: number;
  /** How long a client may take to send its headers (20 s) and its whole request (60 s). */
  readonly timeouts?: { readonly headersMs: number; readonly requestMs: number };
  /**
   * Told of every answer the host gives itself, without a function: no route (404), a method the
   * route lacks (405), a malformed path (400), a host failure.
   */
  readonly onRefused?: (refusal: HostRefusal) => void;
  /** Origins whose browser apps may read the host's own answers, as the functions' (CORS). */
  readonly corsOrigins?: readonly string[];
}

/** An answer the host gave without calling a function; never the path or anything sent. */
export interface HostRefusal {
  readonly method: string;
  readonly status: number;
  readonly code: AppError['code'];
  readonly correlationId: string;
  /** For a host failure (500), the class of what was thrown; never its message. */
  readonly errorName?: string;
}

/** What the host calls per request: the Functions handler signature. */
export type HostHandler = (
  request: FunctionsRequest,
  context: FunctionsContext,
) => Promise<HttpResponseInit>;

export interface LocalHttpServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** A body as the host read it: whole, or cut off past the limit (the rest left unread). */
interface ReadBody {
  readonly bytes: Buffer;
  readonly complete: boolean;
}

/**
 * Reads at most `limit` bytes of a body, and a little over when it grows past them (so that what
 * reaches the function is visibly over its limit). A declared length over the limit is not read
 * at all. `broken` when the body never arrives whole: the parser refused it (answered and
 * reported in `clientError`), the client left, or it was too slow.
 */
function readBody(request: IncomingMessage, limit: number): Promise<ReadBody | 'broken'> {
  if (Number(request.headers['content-length'] ?? 0) > limit) {
    return Promise.resolve({ bytes: Buffer.alloc(0), complete: false });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        resolve({ bytes: Buffer.concat(chunks), complete: false });
      }
    });
    request.on('end', () => resolve({ bytes: Buffer.concat(chunks), complete: true }));
    request.on('error', () => resolve('broken'));
  });
}

function problemResponse(error: AppError, correlationId: string): HttpResponseInit {
  const { problem } = toProblem(error, correlationId);
  return {
    status: problem.status,
    body: JSON.stringify(problem),
    headers: {
      ...SECURITY_HEADERS,
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'X-Correlation-Id': correlationId,
    },
  };
}

/**
 * Whether the body has a transfer coding before chunked (`gzip, chunked`), which is not understood
 * here (RFC 9112 §6.1): Node would pass the body on as if it were plain. One not ending in chunked
 * never gets this far: Node's parser refuses it.
 */
function hasForeignTransferCoding(request: IncomingMessage): boolean {
  const codings = request.headersDistinct['transfer-encoding'];
  return codings !== undefined && codings.join(',').trim().toLowerCase() !== 'chunked';
}

/**
 * Serves registered HTTP functions the way the Functions host does: `/api/<route>`, a real
 * `HttpRequest` and `InvocationContext` per call, and the same pipeline the Azure adapter uses.
 */
export async function startLocalHttpServer(
  options: LocalHttpServerOptions,
): Promise<LocalHttpServer> {
  const table = createRouteTable(options.definitions);
  const adminTable = createRouteTable(options.adminDefinitions ?? []);
  const handlers = new Map<string, HostHandler>();
  const handlerFor = (definition: HttpFunctionDefinition) => {
    let handler = handlers.get(definition.name);
    if (handler === undefined) {
      handler = (options.createHandler ?? createHttpHandler)(definition);
      handlers.set(definition.name, handler);
    }
    return handler;
  };

  /** The host's own problem answer, reported to `onRefused`. */
  const refuse = (method: string, error: AppError): HttpResponseInit => {
    const correlationId = randomUUID();
    const init = problemResponse(error, correlationId);
    const errorName = error.code === 'INTERNAL' ? errorNameOf(error.cause) : undefined;
    options.onRefused?.({
      method,
      status: init.status ?? 500,
      code: error.code,
      correlationId,
      ...(errorName === undefined ? {} : { errorName }),
    });
    return init;
  };

  /**
   * The answer with CORS headers for an allow-listed origin when it has none: the host's own
   * answers. A function's answer already carries the pipeline's, or none on purpose.
   */
  const readable = (request: IncomingMessage, init: HttpResponseInit): HttpResponseInit => {
    // Most requests send no Origin: nothing to look at, on every response's path.
    const { origin } = request.headers;
    if (origin === undefined || options.corsOrigins === undefined) return init;
    const cors = readableByOrigin(origin, options.corsOrigins);
    if (Object.keys(cors).length === 0) return init;
    const headers = [...headerEntries(init.headers)];
    const hasCors = headers.some(([name]) => name.toLowerCase() === 'access-control-allow-origin');
    return hasCors ? init : { ...init, headers: { ...Object.fromEntries(headers), ...cors } };
  };

  // Connections whose last answer is chosen (a 501, a 417, or a body over its limit, left
  // unread): Node still parses what a client pipelined behind it, and none of that may run
  // (RFC 9112 §9.6).
  const lastAnswerChosen = new WeakSet<Socket>();

  async function dispatch(
    request: IncomingMessage,
    method: string,
  ): Promise<HttpResponseInit | undefined> {
    // Checked first and before any await: the connection's last answer is chosen here.
    if (hasForeignTransferCoding(request)) {
      lastAnswerChosen.add(request.socket);
      return lastOnConnection(
        refuse(method, new AppError('HTTP_NOT_IMPLEMENTED', 'transfer coding')),
      );
    }
    const target = request.url ?? '/';
    // Origin form only: `//x/api/` is a path, not host x with path /api/, and the absolute form
    // (`http://x/api/`) is for proxies. Neither names a route here.
    if (!target.startsWith('/') || target.startsWith('//')) {
      return refuse(method, new AppError('HTTP_NOT_FOUND', 'not an origin-form target'));
    }
    // RFC 9112 §3.2: an HTTP/1.1 request without a Host field, or with more than one, gets 400.
    const hosts = request.headersDistinct.host?.length ?? 0;
    if (request.httpVersion === '1.1' && hosts === 0) {
      return refuse(method, new AppError('HTTP_MALFORMED_REQUEST', 'no Host header'));
    }
    if (hosts > 1) {
      return refuse(method, new AppError('HTTP_MALFORMED_REQUEST', 'more than one Host header'));
    }
    if (AMBIGUOUS_PATH.test(target.split('?', 1)[0] ?? '')) {
      return refuse(method, new AppError('HTTP_MALFORMED_REQUEST', 'dot segment or backslash'));
    }
    const url = new URL(`http://localhost${target}`);
    const isAdmin = url.pathname.startsWith('/admin/');
    if (!isAdmin && !url.pathname.startsWith('/api/')) {
      return refuse(method, new AppError('HTTP_NOT_FOUND', 'outside /api'));
    }
    const path = isAdmin ? url.pathname : url.pathname.slice('/api'.length);
    let lookup;
    try {
      lookup = (isAdmin ? adminTable : table).lookup(method, path);
    } catch {
      return refuse(method, new AppError('VALIDATION_FAILED', 'malformed path encoding'));
    }
    if (lookup.kind === 'not_found')
      return refuse(method, new AppError('HTTP_NOT_FOUND', 'no route'));
    if (lookup.kind === 'method_not_allowed') {
      const init = refuse(method, new AppError('HTTP_METHOD_NOT_ALLOWED', 'method not allowed'));
      return {
        ...init,
        headers: { ...(init.headers as Record<string, string>), Allow: lookup.allowed.join(', ') },
      };
    }
    const { definition, params } = lookup.match;
    const limit = Math.min(
      definition.maxBodyBytes ?? options.maxBodyBytes ?? HOST_BODY_CEILING,
      HOST_BODY_CEILING,
    );
    const body =
      method === 'GET' || method === 'HEAD'
        ? { bytes: Buffer.alloc(0), complete: true }
        : await readBody(request, limit);
    // Nothing more to answer on that connection, nor to report twice.
    if (body === 'broken') return undefined;
    // Over its limit: this answer closes the connection, whatever was sent after the body.
    if (!body.complete) lastAnswerChosen.add(request.socket);
    // Every copy of a field, joined as a Fetch `Headers` object (and so the Functions host) joins
    // them: Node's own `headers` keeps only the first Authorization, which would let a second one
    // pass unseen where Azure hands the function both (and the pipeline refuses the pair).
    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(request.headersDistinct)) {
      if (values === undefined || PLATFORM_HEADERS.has(name)) continue;
      headers[name] = values.join(', ');
    }
    // As the platform front end does: the client address comes from the socket, not the client.
    headers['x-forwarded-for'] = request.socket.remoteAddress ?? 'unknown';
    const httpRequest = new HttpRequest({
      method,
      url: `http://localhost${url.pathname}${url.search}`,
      headers,
      params,
      ...(body.bytes.length > 0 ? { body: { bytes: body.bytes } } : {}),
    });
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: definition.name,
    });
    const answer = await handlerFor(definition)(httpRequest, context);
    if (body.complete) return answer;
    // A body over the function's limit goes to it as the Functions host would pass it, so the
    // pipeline answers (413), in its order and audited; the rest is left unread, so the
    // connection closes after the answer.
    return lastOnConnection(answer);
  }

  // The request each connection is answering, and the connections to close once it is answered.
  const answering = new WeakMap<Socket, IncomingMessage>();
  const closeAfterAnswer = new WeakSet<Socket>();
  // Once stopping, every answer is its connection's last: a busy kept-alive client gets no more.
  let closing = false;
  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const method = (request.method ?? 'GET').toUpperCase();
    const { socket } = request;
    // Left unanswered: the connection closes after the answer already chosen, or, once stopping,
    // after the one in flight.
    if (lastAnswerChosen.has(socket) || (closing && answering.has(socket))) return;
    answering.set(socket, request);
    response.on('close', () => {
      answering.delete(socket);
      if (closing || closeAfterAnswer.has(socket)) socket.destroy();
    });
    dispatch(request, method)
      .then((init) => {
        if (init === undefined) response.destroy();
        else writeResponse(response, readable(request, closing ? lastOnConnection(init) : init));
      })
      .catch((error: unknown) => {
        // Whatever headers the failed answer had set go with it.
        for (const name of response.getHeaderNames()) response.removeHeader(name);
        const failure = new AppError('INTERNAL', 'host failure', { cause: error });
        writeResponse(response, refuse(method, failure));
      });
  };
  const timeouts = options.timeouts ?? { headersMs: 20_000, requestMs: 60_000 };
  const server = createServer(
    {
      // The Host check is the host's own, so a request without one gets a problem document too.
      requireHostHeader: false,
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // How often Node looks for slow clients: by default every 30 s, which let the 20 s limit
      // on headers run to 50 s.
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
    },
    onRequest,
  );
  // Node's parser refused the request (a malformed request line or header, headers over 16 KB, too
  // slow): answered, as Node would, only on a connection with nothing written yet; always told.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const code = PARSER_REFUSALS[error.code ?? ''] ?? 'HTTP_MALFORMED_REQUEST';
    const init = refuse('(unparsed)', new AppError(code, 'refused by the HTTP parser'));
    if (answering.get(socket)?.complete === true) {
      // The bad request was pipelined after one received whole and still being answered: that
      // answer goes out first, then the connection closes.
      closeAfterAnswer.add(socket);
    } else if (socket.writable && socket.bytesWritten === 0) {
      socket.end(rawResponse(init), () => socket.destroy());
    } else {
      socket.destroy();
    }
  });
  // An HTTP/1.1 `Expect` other than exactly 100-continue: Node would answer a bare 417 of its own,
  // or, for a list naming 100-continue among others, go on. This is the host's problem document,
  // reported as every refusal is; the body is left unread.
  const refuseExpectation = (request: IncomingMessage, response: ServerResponse): void => {
    const method = (request.method ?? 'GET').toUpperCase();
    lastAnswerChosen.add(request.socket);
    const init = refuse(method, new AppError('HTTP_EXPECTATION_FAILED', 'unmet expectation'));
    writeResponse(response, lastOnConnection(readable(request, init)));
  };
  server.on('checkExpectation', refuseExpectation);
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.expect?.trim().toLowerCase() !== '100-continue') {
      refuseExpectation(request, response);
      return;
    }
    // A body the host will refuse unread (a foreign transfer coding) is not asked for.
    if (!hasForeignTransferCoding(request)) response.writeContinue();
    onRequest(request, response);
  });
  // CONNECT asks for a tunnel, which no route offers: 405 and reported (Node closes it silently).
  server.on('connect', (request: IncomingMessage, socket: Socket) => {
    const init = refuse('CONNECT', new AppError('HTTP_METHOD_NOT_ALLOWED', 'no tunnels'));
    socket.on('error', () => undefined);
    socket.end(rawResponse(init), () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        server.closeIdleConnections();
        // Node stops its request timeouts once closing: a client that never finishes sending (or
        // reading) would hold the stop for ever. After the grace period its connection is cut.
        setTimeout(() => server.closeAllConnections(), options.closeGraceMs ?? 10_000).unref();
      }),
  };
}
