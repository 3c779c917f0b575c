import type { HttpRequest } from '@azure/functions';
import { parse as parseContentType } from 'content-type';
import { z, type ZodType } from 'zod';

import { AppError, type FieldIssue } from '../errors/app-error.js';
import { PERCENT_RUN, utf8OfPercentRun } from '../validation/percent-escapes.js';
import { sensitiveContentOf } from '../validation/sensitive-text.js';
import { parseStrictJson } from './strict-json.js';

/** Request headers a handler may read. Authorization and cookies never reach an operation. */
const HANDLER_HEADERS = ['if-match', 'if-none-match', 'idempotency-key', 'accept'] as const;

/** Whether an operation can read header `name` (any case): the pipeline passes it through. */
export function isHandlerHeader(name: string): boolean {
  return (HANDLER_HEADERS as readonly string[]).includes(name.toLowerCase());
}

const KEY_SHAPE = /^[A-Za-z0-9_.-]{1,64}$/;
/** Six digits in a row: no field name has them, an account or card number does. */
const LONG_NUMBER = /\d{6}/;

/**
 * Whether a key the caller sent may be named back in a refusal: a short plain name without a long
 * number, and not text the reason check would refuse (a tax id, an account number or a credential
 * sent as a key is not echoed).
 */
function isNameableKey(key: string): boolean {
  return KEY_SHAPE.test(key) && !LONG_NUMBER.test(key) && sensitiveContentOf(key) === undefined;
}
/** The most issues one refusal lists: enough to fix a request, too few to echo a long one. */
const MAX_ISSUES = 20;
/** A rule name a refinement gives as its message: lower snake case, never caller text. */
const RULE_NAME = /^[a-z][a-z_]{1,39}$/;
/** What a part the operation declares no schema for may hold: nothing. */
const NOTHING = z.strictObject({});

export function pickHandlerHeaders(request: HttpRequest): ReadonlyMap<string, string> {
  const picked = new Map<string, string>();
  for (const name of HANDLER_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) picked.set(name, value);
  }
  return picked;
}

/**
 * The parameters of a raw query string whose percent escapes are not UTF-8 (`q=%FF`, an encoded
 * surrogate `%ED%A0%80`): a URL parser would read each bad byte as U+FFFD, so the operation would
 * see text the caller never sent. Named by key when the key itself is plain.
 */
function malformedEscapes(url: string): FieldIssue[] {
  const start = url.indexOf('?');
  if (start < 0 || !url.includes('%', start)) return [];
  const issues: FieldIssue[] = [];
  const query = url.slice(start + 1).split('#', 1)[0] ?? '';
  for (const part of query.split('&')) {
    const runs = part.match(PERCENT_RUN) ?? [];
    if (runs.every((run) => utf8OfPercentRun(run) !== undefined)) continue;
    const key = part.split('=', 1)[0] ?? '';
    issues.push({ location: 'query', path: isNameableKey(key) ? key : '', rule: 'not_utf8' });
    if (issues.length === MAX_ISSUES) break;
  }
  return issues;
}

/**
 * Query parameters as a plain object. A repeated parameter is refused (parameter pollution), and
 * so is one whose percent escapes are not UTF-8.
 */
export function readQuery(request: HttpRequest): Record<string, string> {
  const malformed = malformedEscapes(request.url);
  if (malformed.length > 0) {
    throw new AppError('VALIDATION_FAILED', 'query escapes not UTF-8', {
      details: { issues: malformed },
    });
  }
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  const repeated: FieldIssue[] = [];
  for (const [key, value] of request.query.entries()) {
    if (Object.hasOwn(query, key)) {
      if (repeated.length < MAX_ISSUES) {
        repeated.push({ location: 'query', path: isNameableKey(key) ? key : '', rule: 'repeated' });
      }
      continue;
    }
    query[key] = value;
  }
  if (repeated.length > 0) {
    throw new AppError('VALIDATION_FAILED', 'repeated query parameter', {
      details: { issues: repeated },
    });
  }
  return { ...query };
}

/** Headers-only checks that run before authentication: declared size and media type. */
export function assertBodyEnvelope(
  request: HttpRequest,
  expectsJson: boolean,
  maxBytes: number,
): void {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    throw new AppError('HTTP_BODY_TOO_LARGE', 'declared body exceeds limit');
  }
  if (!expectsJson) return;
  const header = request.headers.get('content-type') ?? '';
  const { type, parameters } = parseContentType(header);
  // JSON is UTF-8 (RFC 8259): a charset parameter, when sent, must name it (or its label utf8).
  const charset = parameters['charset']?.toLowerCase();
  if (
    type !== 'application/json' ||
    (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') ||
    !isPlainMediaType(header)
  ) {
    throw new AppError('HTTP_UNSUPPORTED_MEDIA_TYPE', 'body is not application/json', {
      publicMessage: 'Send the body as application/json in UTF-8.',
    });
  }
  // RFC 9110 §8.4.1: the body is read as sent, so a coding (gzip, br, …) it claims is refused
  // rather than ignored, which would read it differently from a proxy that decodes it.
  const coding = request.headers.get('content-encoding');
  if (coding !== null && coding.trim().toLowerCase() !== 'identity') {
    throw new AppError('HTTP_UNSUPPORTED_MEDIA_TYPE', 'content coding not supported', {
      publicMessage: 'Send the body without a content coding.',
    });
  }
}

/** RFC 9110 §5.6.2 `token`, and §5.6.4 `quoted-string` (a backslash escapes any character). */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = String.raw`"(?:[^"\\]|\\.)*"`;
const MEDIA_TYPE = new RegExp(String.raw`^${TOKEN}/${TOKEN}`);
/** One `OWS ";" OWS [ name "=" value ]` of §8.3.1, read from where the last one ended. */
const PARAMETER = new RegExp(String.raw`[ \t]*;[ \t]*(?:(${TOKEN})=(?:${TOKEN}|${QUOTED}))?`, 'y');

/**
 * Whether a media type is written as RFC 9110 §8.3.1 has it and names each parameter once. A
 * lenient parser and a proxy can read anything else differently (`x=a"b; charset=…`, or
 * `charset` twice, where the parser keeps the first and a proxy might read the last).
 */
function isPlainMediaType(header: string): boolean {
  const type = MEDIA_TYPE.exec(header);
  if (type === null) return false;
  const names = new Set<string>();
  let index = type[0].length;
  while (index < header.length) {
    PARAMETER.lastIndex = index;
    const parameter = PARAMETER.exec(header);
    if (parameter === null) return /^[ \t]*$/.test(header.slice(index));
    const name = parameter[1]?.toLowerCase();
    if (name !== undefined) {
      if (names.has(name)) return false;
      names.add(name);
    }
    index += parameter[0].length;
  }
  return true;
}

/** Reads and parses the JSON body once, enforcing the byte limit on what actually arrived. */
export async function readJsonBody(request: HttpRequest, maxBytes: number): Promise<unknown> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw new AppError('HTTP_BODY_TOO_LARGE', 'body exceeds limit');
  if (bytes.byteLength === 0) {
    throw new AppError('VALIDATION_FAILED', 'empty body', {
      details: { issues: [{ location: 'body', path: '', rule: 'required' }] },
    });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new AppError('HTTP_INVALID_JSON', 'body is not UTF-8', { cause });
  }
  return parseStrictJson(text);
}

/**
 * Parses one part of the request with its schema. The error names each failing field and rule,
 * never the value that failed. A part without a schema must be empty: a query parameter the
 * operation would ignore is refused (400 `unrecognized_key`), not silently dropped.
 */
export function parsePart<T>(
  location: FieldIssue['location'],
  schema: ZodType<T> | undefined,
  value: unknown,
): T {
  if (schema === undefined) {
    if (value !== undefined) parsePart(location, NOTHING, value);
    return undefined as T;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues: FieldIssue[] = parsed.error.issues.slice(0, MAX_ISSUES).flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.slice(0, 5).map((key) => ({
        location,
        path: isNameableKey(key) ? [path, key].filter(Boolean).join('.') : path,
        rule: 'unrecognized_key',
      }));
    }
    // A refinement names its rule in its message (`blank`, `token_like`); zod's own do not.
    const rule =
      issue.code === 'custom' && RULE_NAME.test(issue.message) ? issue.message : issue.code;
    return [{ location, path, rule }];
  });
  throw new AppError('VALIDATION_FAILED', `invalid ${location}`, { details: { issues } });
}
