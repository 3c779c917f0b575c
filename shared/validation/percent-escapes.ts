/**
 * A run of percent escapes (`%E2%82%AC`): the bytes of one or more characters. Global: use it with
 * `replace` and `match`, which start from the beginning each time, not with `test` or `exec`.
 */
export const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/**
 * The text a run of percent escapes spells in UTF-8, or undefined when its bytes are not UTF-8
 * (a stray byte, an encoded surrogate, a character cut short).
 */
export function utf8OfPercentRun(run: string): string | undefined {
  try {
    return decodeURIComponent(run);
  } catch {
    return undefined;
  }
}
