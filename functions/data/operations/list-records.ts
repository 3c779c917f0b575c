import { sql, type RawBuilder } from 'kysely';

import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import type { DataDeps } from '../data-deps.js';
import type { DataResource, ListQueryBase, SortSpec } from '../data-resource.js';
import { DEFAULT_PAGE_SIZE } from '../list-query-schema.js';
import { decodeCursor, encodeCursor } from '../record-cursor.js';
import { redactItem } from '../redact-item.js';

/** One page of a list, redacted to the caller's clearance. */
export interface RecordPage<T> {
  readonly items: Partial<T>[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
  /** Rows matching the filters within the caller's divisions. */
  readonly total: number;
}

const CAST: Record<SortSpec['type'], RawBuilder<unknown>> = {
  integer: sql`integer`,
  numeric: sql`numeric`,
  date: sql`date`,
  text: sql`text`,
};

function resolveSort(sorts: Readonly<Record<string, SortSpec>>, key: string | undefined) {
  const name = key ?? (Object.keys(sorts)[0] as string);
  const descending = name.startsWith('-');
  const spec = sorts[descending ? name.slice(1) : name];
  if (spec === undefined) throw new Error(`Sort ${name} is not declared`);
  return { name, descending, spec };
}

function conditionsOf<T extends { id: number }, Q extends ListQueryBase>(
  resource: DataResource<T, Q>,
  query: Q,
): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [sql`true`];
  // Row-level security already limits rows to the caller's divisions; this only narrows.
  if (query.division !== undefined) conditions.push(sql`division = ${query.division}`);
  if (query.q !== undefined) {
    // plainto_tsquery reads the text as words only: no operators, so no query syntax to abuse.
    const tsquery = sql`plainto_tsquery('english', ${query.q})`;
    conditions.push(resource.search?.(tsquery) ?? sql`search @@ ${tsquery}`);
  }
  return [...conditions, ...resource.filters(query)];
}

/**
 * Lists one resource's records in the caller's divisions, filtered, sorted and paged by keyset.
 *
 * Runs inside `withScope`, so row-level security bounds every count, filter and page: a
 * `division` the caller does not hold simply matches nothing. Fields above the caller's
 * clearance are dropped; RESTRICTED fields arrive masked.
 *
 * @throws AppError VALIDATION_FAILED when the cursor is malformed or belongs to another sort;
 * AppError STORE_UNAVAILABLE when the store is down.
 */
export async function listRecords<T extends { id: number }, Q extends ListQueryBase>(
  deps: Pick<DataDeps, 'db'>,
  principal: VerifiedPrincipal,
  input: { readonly resource: DataResource<T, Q>; readonly query: Q },
): Promise<RecordPage<T>> {
  const { resource, query } = input;
  const sort = resolveSort(resource.sorts, query.sort);
  const column = sql.ref(sort.spec.column);
  const direction = sort.descending ? sql`DESC` : sql`ASC`;
  const after =
    query.cursor === undefined ? undefined : decodeCursor(query.cursor, sort.name, sort.spec.type);
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const filters = sql.join(conditionsOf(resource, query), sql` AND `);
  const keyset =
    after === undefined
      ? sql`true`
      : sort.descending
        ? sql`(${column}, id) < (${after.sortValue}::${CAST[sort.spec.type]}, ${after.id})`
        : sql`(${column}, id) > (${after.sortValue}::${CAST[sort.spec.type]}, ${after.id})`;
  const columns = sql.join(Object.keys(resource.row.shape).map((name) => sql.ref(name)));
  const table = sql.table(resource.table);

  const { rows, total } = await deps.db.withScope(principal, async (trx) => {
    const page = await sql<unknown>`
      SELECT ${columns} FROM ${table} WHERE ${filters} AND ${keyset}
      ORDER BY ${column} ${direction}, id ${direction} LIMIT ${limit + 1}`.execute(trx);
    const count = await sql<{ n: number }>`
      SELECT count(*)::integer AS n FROM ${table} WHERE ${filters}`.execute(trx);
    return { rows: page.rows, total: count.rows[0]?.n ?? 0 };
  });

  const parsed = rows.slice(0, limit).map((row) => resource.row.parse(row));
  const last = parsed.at(-1);
  const hasMore = rows.length > limit && last !== undefined;
  return {
    items: parsed.map((row) =>
      redactItem(resource.toItem(row), resource.fields, principal.clearance),
    ),
    nextCursor: hasMore
      ? encodeCursor({
          sortKey: sort.name,
          sortValue: last[sort.spec.column] as string | number,
          id: last['id'] as number,
        })
      : null,
    total,
  };
}
