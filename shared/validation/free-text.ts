import { z } from 'zod';

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

export interface FreeTextOptions {
  /** Fewest UTF-16 units after trimming; 1 when absent. */
  readonly min?: number;
  /** Allow tabs and line breaks. */
  readonly multiline?: boolean;
  /** Trim surrounding white space before the checks (query text); stored text keeps it. */
  readonly trim?: boolean;
}

/**
 * Free text a caller types, whether it is stored, searched or audited: `min` to `max` UTF-16
 * units, not blank, no NUL or lone surrogate, no control characters (tabs and line breaks
 * allowed when `multiline`). Postgres refuses NUL in text, and a lone surrogate would not come
 * back as it was sent. Quotes, semicolons and other SQL metacharacters are ordinary characters:
 * every value is a bind parameter.
 */
export function freeText(max: number, options: FreeTextOptions = {}) {
  const allowLineBreaks = options.multiline === true;
  const base = options.trim === true ? z.string().trim() : z.string();
  return base
    .min(options.min ?? 1)
    .max(max)
    .refine((text) => text.trim().length > 0, 'blank')
    .refine((text) => !hasControlCharacter(text, allowLineBreaks), 'control_character')
    .refine((text) => !LONE_SURROGATE.test(text), 'malformed_text');
}
