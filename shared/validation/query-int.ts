import { z } from 'zod';

/** Digits only, without a leading zero: one spelling per number. */
const WHOLE_NUMBER = /^(?:0|[1-9]\d{0,9})$/;

/** Reads the text `digits` accepted as a number from `min` to `max`. */
function bounded<T extends z.ZodType<string>>(digits: T, min: number, max: number) {
  return digits
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .meta({ description: `A whole number from ${min} to ${max}` });
}

/**
 * A whole number in a path or query string, bounded, written one way only: no sign, no leading
 * zero. `007` would otherwise name record 7 under a second URL (and a second audit resource).
 */
export function queryInt(min: number, max: number) {
  return bounded(z.string().regex(WHOLE_NUMBER), min, max);
}

/**
 * {@link queryInt} that reads an absent parameter as `fallback`. The default is the query string's
 * own text, so the OpenAPI description gives it as the string the parameter is.
 */
export function queryIntWithDefault(min: number, max: number, fallback: number) {
  return bounded(z.string().regex(WHOLE_NUMBER).default(String(fallback)), min, max);
}
