import { z } from 'zod';

/** A dollar amount as a decimal string: up to 13 integer digits and 2 decimals, signed. */
export const moneyAmount = z.string().regex(/^-?\d{1,13}(\.\d{1,2})?$/);

/** A calendar date, `YYYY-MM-DD`, between 1990 and 2100. */
export const calendarDate = z.iso
  .date()
  .refine((value) => value >= '1990-01-01' && value <= '2100-12-31', 'out_of_range');

/** A nine-digit DUNS number. */
export const dunsNumber = z.string().regex(/^\d{9}$/);

const LONE_SURROGATE = /\p{Cs}/u;
const LINE_BREAKS: ReadonlySet<number> = new Set([0x09, 0x0a, 0x0d]);

/** True for NUL and the other C0 and C1 controls, tab and line breaks aside when allowed. */
function hasControlCharacter(text: string, allowLineBreaks: boolean): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const isControl = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
    if (isControl && !(allowLineBreaks && LINE_BREAKS.has(code))) return true;
  }
  return false;
}

/**
 * Free text stored exactly as sent: 1 to `max` UTF-16 units, not blank, no NUL or lone
 * surrogate, and no control characters (tabs and line breaks allowed when `multiline`). Quotes,
 * semicolons and other SQL metacharacters are ordinary characters: every value is a bind
 * parameter.
 */
export function storedText(max: number, options: { readonly multiline?: boolean } = {}) {
  const allowLineBreaks = options.multiline === true;
  // Postgres refuses NUL in text, and a lone surrogate would not come back as it was sent.
  return z
    .string()
    .min(1)
    .max(max)
    .refine((text) => text.trim().length > 0, 'blank')
    .refine((text) => !hasControlCharacter(text, allowLineBreaks), 'control_character')
    .refine((text) => !LONE_SURROGATE.test(text), 'malformed_text');
}

/** A record id in a JSON body. */
export const recordIdNumber = z.number().int().min(1).max(2147483647);

/** Business category codes as USAspending writes them: distinct, lower-case, at most 64. */
export const businessCategories = z
  .array(z.string().regex(/^[a-z0-9_]{1,64}$/))
  .max(64)
  .refine((codes) => new Set(codes).size === codes.length, 'duplicate');
