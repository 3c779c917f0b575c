/**
 * The closed list of error codes the API can return, each with its HTTP status.
 *
 * Codes read `<CAPABILITY>_<CONDITION>`. Clients branch on `code`, never on message text.
 */
export const ERROR_STATUS = {
  AUTH_TOKEN_MISSING: 401,
  AUTH_TOKEN_INVALID: 401,
  AUTH_FORBIDDEN: 403,
  AUTH_UNAVAILABLE: 503,
  HTTP_BODY_TOO_LARGE: 413,
  HTTP_HEADERS_TOO_LARGE: 431,
  HTTP_MALFORMED_REQUEST: 400,
  HTTP_REQUEST_TIMEOUT: 408,
  HTTP_UNSUPPORTED_MEDIA_TYPE: 415,
  HTTP_INVALID_JSON: 400,
  HTTP_NOT_FOUND: 404,
  HTTP_METHOD_NOT_ALLOWED: 405,
  HTTP_RATE_LIMITED: 429,
  HTTP_CORS_ORIGIN_DENIED: 403,
  HTTP_VERSION_RETIRED: 410,
  HTTP_EXPECTATION_FAILED: 417,
  HTTP_NOT_IMPLEMENTED: 501,
  VALIDATION_FAILED: 400,
  DATA_NOT_FOUND: 404,
  DATA_CONFLICT: 409,
  DATA_PRECONDITION_FAILED: 412,
  DATA_PRECONDITION_REQUIRED: 428,
  DATA_IDEMPOTENCY_MISMATCH: 422,
  DATA_UNMASK_NOT_ALLOWED: 403,
  STORE_UNAVAILABLE: 503,
  AUDIT_UNAVAILABLE: 503,
  CRYPTO_KEY_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Short human titles for problem+json `title`; safe to show, never specific to a request. */
export const ERROR_TITLE: Record<ErrorCode, string> = {
  AUTH_TOKEN_MISSING: 'Authentication required',
  AUTH_TOKEN_INVALID: 'Authentication required',
  AUTH_FORBIDDEN: 'Forbidden',
  AUTH_UNAVAILABLE: 'Service temporarily unavailable',
  HTTP_BODY_TOO_LARGE: 'Request body too large',
  HTTP_HEADERS_TOO_LARGE: 'Request headers too large',
  HTTP_MALFORMED_REQUEST: 'Malformed HTTP request',
  HTTP_REQUEST_TIMEOUT: 'Request not received in time',
  HTTP_UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  HTTP_INVALID_JSON: 'Malformed JSON body',
  HTTP_NOT_FOUND: 'Not found',
  HTTP_METHOD_NOT_ALLOWED: 'Method not allowed',
  HTTP_RATE_LIMITED: 'Too many requests',
  HTTP_CORS_ORIGIN_DENIED: 'Origin not allowed',
  HTTP_VERSION_RETIRED: 'API version retired',
  HTTP_EXPECTATION_FAILED: 'Expectation not supported',
  HTTP_NOT_IMPLEMENTED: 'Transfer coding not supported',
  VALIDATION_FAILED: 'Invalid request',
  DATA_NOT_FOUND: 'Not found',
  DATA_CONFLICT: 'Conflict',
  DATA_PRECONDITION_FAILED: 'Precondition failed',
  DATA_PRECONDITION_REQUIRED: 'Precondition required',
  DATA_IDEMPOTENCY_MISMATCH: 'Idempotency key reused with a different request',
  DATA_UNMASK_NOT_ALLOWED: 'Forbidden',
  STORE_UNAVAILABLE: 'Service temporarily unavailable',
  AUDIT_UNAVAILABLE: 'Service temporarily unavailable',
  CRYPTO_KEY_UNAVAILABLE: 'Service temporarily unavailable',
  INTERNAL: 'Internal error',
};
