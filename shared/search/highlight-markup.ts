const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
};

/** Private-use characters that mark a match's start and end in raw highlighter output. */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';

/**
 * Turns a fragment whose matches are delimited by {@link MATCH_START} and {@link MATCH_END}
 * into the highlight form every backend returns: the text HTML-escaped, matches in `<mark>`.
 * The caller strips both characters from record text before highlighting, so only the
 * highlighter's own delimiters remain; an unbalanced one is dropped or closed all the same.
 */
export function toHighlightMarkup(fragment: string): string {
  let out = '';
  let open = false;
  for (const char of fragment) {
    if (char === MATCH_START && !open) {
      out += '<mark>';
      open = true;
    } else if (char === MATCH_END && open) {
      out += '</mark>';
      open = false;
    } else if (char !== MATCH_START && char !== MATCH_END) {
      out += ESCAPES[char] ?? char;
    }
  }
  return open ? `${out}</mark>` : out;
}
