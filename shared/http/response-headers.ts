/** Headers every response carries, success or error. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const CORS_ALLOWED_HEADERS = 'Authorization, Content-Type, If-Match, Idempotency-Key';
const CORS_EXPOSED_HEADERS =
  'ETag, Location, Idempotency-Replayed, Retry-After, X-Correlation-Id, Deprecation, Sunset, ' +
  'Link, WWW-Authenticate';

/**
 * CORS headers for an allow-listed origin; for any other only `Vary: Origin` (the answer depends
 * on the origin, so no cache may hand it to another), and the browser blocks the read.
 * Credentials are not allowed: the API takes bearer tokens, never cookies.
 */
export function corsHeaders(
  origin: string | null,
  allowList: readonly string[],
  methods: readonly string[],
): Record<string, string> {
  if (origin === null) return {};
  if (!allowList.includes(origin)) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': [...methods, 'OPTIONS'].join(', '),
    'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS,
    'Access-Control-Expose-Headers': CORS_EXPOSED_HEADERS,
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}

/**
 * CORS headers for an answer no function gave (the host's own 404 or 405), so a browser app on
 * an allow-listed origin can read its problem document and correlation id; for any other origin
 * only `Vary: Origin`, as `corsHeaders` gives.
 */
export function readableByOrigin(
  origin: string | null,
  allowList: readonly string[],
): Record<string, string> {
  if (origin === null) return {};
  if (!allowList.includes(origin)) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': CORS_EXPOSED_HEADERS,
    Vary: 'Origin',
  };
}

export function isOriginAllowed(origin: string | null, allowList: readonly string[]): boolean {
  return origin === null || allowList.includes(origin);
}
