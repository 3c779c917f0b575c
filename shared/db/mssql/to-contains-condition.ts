/** The most words a search condition carries; `q` is at most 200 characters anyway. */
const MAX_WORDS = 32;

/**
 * Turns free text into a SQL Server full-text `CONTAINS` condition that requires every word,
 * in any inflected form: `FORMSOF(INFLECTIONAL, "bridge") AND FORMSOF(INFLECTIONAL, "repair")`.
 * Only runs of letters and digits survive, so quotes, operators (`OR`, `NEAR`, `*`) and
 * punctuation in the text cannot change the condition's meaning. Returns undefined when no word
 * is left; the caller then matches nothing, as `plainto_tsquery` does.
 *
 * The result is still user-derived: bind it as a parameter, never splice it into SQL.
 */
export function toContainsCondition(text: string): string | undefined {
  const words = (text.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);
  if (words.length === 0) return undefined;
  return words.map((word) => `FORMSOF(INFLECTIONAL, "${word}")`).join(' AND ');
}
