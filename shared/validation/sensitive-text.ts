/**
 * Patterns of credentials that must never reach a log or the audit trail: an `Authorization`
 * value, a compact JWS/JWE (its header segment always starts `eyJ`, base64url of `{"`), or any
 * three long base64url segments joined by dots.
 */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\bbearer\s+\S/i,
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\./,
  /[A-Za-z0-9_-]{12,}\.[A-Za-z0-9_-]{12,}\.[A-Za-z0-9_-]{12,}/,
];

/**
 * Nine digits standing alone, plain or in the shape of an EIN (12-3456789) or an SSN or ITIN
 * (123-45-6789), with hyphens or spaces.
 */
const TAX_ID = /(?<!\d)(?:\d{9}|\d{2}[- ]\d{7}|\d{3}([- ])\d{2}\1\d{4})(?!\d)/;

/** True when the text looks like a bearer token or JWT anywhere inside it. */
export function looksLikeToken(text: string): boolean {
  return TOKEN_PATTERNS.some((pattern) => pattern.test(text));
}

/**
 * True when the text holds a number shaped like a tax id (EIN, SSN, ITIN). Errs towards
 * refusing: any other nine-digit number, a DUNS for one, is flagged too.
 */
export function looksLikeTaxId(text: string): boolean {
  return TAX_ID.test(text);
}
