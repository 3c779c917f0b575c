// eslint-disable-next-line no-control-regex -- NUL is exactly what this rule refuses
const UNSTORABLE = /[\p{Cs}\u0000]/u;

/**
 * Whether Postgres can hold the text as written: no NUL and no half of a surrogate pair, which
 * `text` and `jsonb` both refuse (a refusal at write time would lose what carried it).
 */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}
