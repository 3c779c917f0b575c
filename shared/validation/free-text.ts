import { z } from 'zod';

import { sensitiveContentOf } from './sensitive-text.js';

const LONE_SURROGATE = /\p{Cs}/u;
/** The zero-width non-joiner and joiner, and the variation selectors. */
const ALLOWED_INVISIBLE = String.raw`\u200C|\u200D|[\uFE00-\uFE0F]|[\u{E0100}-\u{E01EF}]`;
/**
 * Characters that change how text displays without showing themselves: every format character
 * and default-ignorable code point (zero-width space, soft hyphen, bidirectional marks,
 * embeddings, overrides and isolates, word joiner, invisible operators, tag characters, Hangul
 * fillers, byte order mark). Allowed: the zero-width joiner and non-joiner, which Persian, the
 * Indic scripts and emoji sequences need, and the variation selectors (emoji presentation, CJK
 * variants).
 */
const INVISIBLE = new RegExp(
  String.raw`(?!${ALLOWED_INVISIBLE})[\p{Cf}\p{Default_Ignorable_Code_Point}]`,
  'u',
);
/**
 * What shows nothing on its own: white space, the allowed invisible characters, the braille
 * blank, and combining marks with no character to sit on. Text made only of these is blank.
 */
const SHOWS_NOTHING = new RegExp(String.raw`\s|${ALLOWED_INVISIBLE}|\u2800|\p{M}`, 'gu');
/** More combining marks on one character than any script writes: text piled up to hide it. */
const STACKED_MARKS = /\p{M}{7,}/u;
const LINE_BREAKS: ReadonlySet<number> = new Set([0x09, 0x0a, 0x0d, 0x2028, 0x2029]);

/**
 * True for NUL and the other C0 and C1 controls, and for the Unicode line and paragraph
 * separators; tab and line breaks aside when allowed.
 */
function hasControlCharacter(text: string, allowLineBreaks: boolean): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const isControl =
      code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
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
  /**
   * The text is written into the audit trail as typed (an unmask reason): refuse anything shaped
   * like a credential or a tax id, which must never be stored there.
   */
  readonly audited?: boolean;
}

/**
 * Free text a caller types, whether it is stored, searched or audited: `min` to `max` UTF-16
 * units, not blank, no NUL or lone surrogate, no control characters (tabs and line breaks
 * allowed when `multiline`), no invisible or direction-changing characters. Postgres refuses NUL
 * in text, and a lone surrogate would not come back as it was sent. Quotes, semicolons and other
 * SQL metacharacters are ordinary characters: every value is a bind parameter. Each refusal names
 * its rule (`blank`, `control_character`, `malformed_text`, `invisible_character`,
 * `stacked_marks`, and for audited text `token_like`, `tax_id_like`, `account_number_like`).
 */
export function freeText(max: number, options: FreeTextOptions = {}) {
  const allowLineBreaks = options.multiline === true;
  const base = options.trim === true ? z.string().trim() : z.string();
  // Zod runs later checks after a failed one unless told to stop: text over `max` goes no
  // further, so the content checks only ever read bounded text.
  const text = base
    .min(options.min ?? 1, { abort: true })
    .max(max, { abort: true })
    .refine((value) => value.replace(SHOWS_NOTHING, '').length > 0, 'blank')
    .refine((value) => !hasControlCharacter(value, allowLineBreaks), 'control_character')
    .refine((value) => !LONE_SURROGATE.test(value), 'malformed_text')
    .refine((value) => !INVISIBLE.test(value), 'invisible_character')
    .refine((value) => !STACKED_MARKS.test(value), 'stacked_marks');
  if (options.audited !== true) return text;
  return text.check((ctx) => {
    const rule = sensitiveContentOf(ctx.value);
    if (rule !== undefined) ctx.issues.push({ code: 'custom', message: rule, input: ctx.value });
  });
}
