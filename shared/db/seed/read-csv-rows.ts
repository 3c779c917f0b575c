import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import { parse } from 'csv-parse/sync';
import type { ZodType } from 'zod';

/** Options of {@link readCsvRows}. */
export interface ReadCsvOptions {
  /** Treat the literal `NA` as null (the USAspending convention). */
  readonly naIsNull?: boolean;
}

/**
 * Reads a UTF-8 CSV with a header row, strictly (balanced quotes, equal column counts), and
 * validates each record with `schema`.
 *
 * @throws Error naming the file, the 1-based data row and the failing column and rule, never
 * the value (a value may be a tax id).
 */
export async function readCsvRows<T>(
  path: string,
  schema: ZodType<T>,
  options: ReadCsvOptions = {},
): Promise<T[]> {
  const records: unknown[] = parse(await readFile(path, 'utf8'), {
    columns: true,
    bom: true,
    relax_quotes: false,
    relax_column_count: false,
    skip_empty_lines: true,
    cast: options.naIsNull === true ? (value) => (value === 'NA' ? null : value) : false,
  });
  return records.map((record, index) => {
    const parsed = schema.safeParse(record);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : `${issue.path.join('.')} (${issue.code})`;
    throw new Error(`Seed file ${basename(path)} row ${index + 1} is invalid: ${where}`);
  });
}
