import { z } from 'zod';

/**
 * A dollar amount as a record answers it: a decimal string with exactly two places and an
 * optional minus sign (`-1234.50`), as the store's `numeric(18, 2)` columns hold it. A string,
 * so no client reads it through a binary floating-point number.
 */
export const amount = z
  .string()
  .regex(/^-?\d{1,16}\.\d{2}$/)
  .meta({ description: 'Dollars as a decimal string with two places, such as `-1234.50`' });

/** A calendar day as a record answers it: `YYYY-MM-DD`, no time and no zone. */
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .meta({ format: 'date' });
