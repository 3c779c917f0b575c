import type { ServerResponse } from 'node:http';

import type { HttpResponseInit } from '@azure/functions';

/** A response's headers as name/value pairs: a plain record, or anything iterable (Headers). */
export function headerEntries(headers: HttpResponseInit['headers']): Iterable<[string, string]> {
  if (headers === undefined) return [];
  if (Symbol.iterator in headers) return headers as Iterable<[string, string]>;
  return Object.entries(headers);
}

/** HTTP whitespace, which a Fetch `Headers` object strips from both ends of a value. */
const HTTP_WHITESPACE = new Set(['\t', '\n', '\r', ' ']);

/** `value` without leading and trailing HTTP whitespace; index walks, linear in its length. */
function trimHttpWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && HTTP_WHITESPACE.has(value[start] ?? '')) start += 1;
  while (end > start && HTTP_WHITESPACE.has(value[end - 1] ?? '')) end -= 1;
  return value.slice(start, end);
}

/** The answer with `Connection: close` as its only Connection field: its connection's last. */
export function lastOnConnection(init: HttpResponseInit): HttpResponseInit {
  const headers = [...headerEntries(init.headers)].filter(
    ([name]) => name.toLowerCase() !== 'connection',
  );
  return { ...init, headers: { ...Object.fromEntries(headers), Connection: 'close' } };
}

/**
 * Writes a function's response with the header rules of the Functions runtime (which copies them
 * through a Fetch `Headers` object): values trimmed, and a name given twice in any case sent once
 * with both values joined, so a later copy can never replace a security header. `setHeader`
 * refuses an invalid name or value, and the caller then answers 500 instead.
 */
export function writeResponse(response: ServerResponse, init: HttpResponseInit): void {
  response.statusCode = init.status ?? 200;
  for (const [name, raw] of headerEntries(init.headers)) {
    const value = trimHttpWhitespace(raw);
    const earlier = response.getHeader(name);
    response.setHeader(name, earlier === undefined ? value : `${String(earlier)}, ${value}`);
  }
  const body = init.body;
  if (typeof body === 'string') response.end(body);
  else if (body instanceof Uint8Array) response.end(body);
  else response.end();
}
