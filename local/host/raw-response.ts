import { STATUS_CODES } from 'node:http';

import type { HttpResponseInit } from '@azure/functions';

import type { AppError } from '../../shared/errors/app-error.js';

/** What Node's parser refused, by its error code; anything else it refuses is malformed. */
export const PARSER_REFUSALS: Readonly<Record<string, AppError['code']>> = {
  HPE_HEADER_OVERFLOW: 'HTTP_HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'HTTP_REQUEST_TIMEOUT',
};

/** A whole HTTP/1.1 response, written straight to a socket that is then closed. */
export function rawResponse(init: HttpResponseInit): string {
  const status = init.status ?? 500;
  const body = typeof init.body === 'string' ? init.body : '';
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    ...Object.entries(init.headers as Record<string, string>).map(
      ([name, value]) => `${name}: ${value}`,
    ),
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
