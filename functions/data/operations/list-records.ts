import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import type { DataDeps } from '../data-deps.js';
import type { DataResource, ListQueryBase } from '../data-resource.js';
import { encodeCursor } from '../record-cursor.js';
import { redactItem } from '../redact-item.js';
import { buildListQuery } from './build-list-query.js';

/** One page of a list, redacted to the caller's clearance. */
export interface RecordPage<T> {
  readonly items: Partial<T>[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
  /** Rows matching the filters within the caller's divisions. */
  readonly total: number;
}

/**
 * Lists one resource's records in the caller's divisions, filtered, sorted and paged by keyset.
 *
 * Runs inside `withScope`, so row-level security bounds every count, filter and page: a
 * `division` the caller does not hold simply matches nothing. Fields above the caller's
 * clearance are dropped; RESTRICTED fields arrive masked. The queries come from
 * {@link buildListQuery} in the store's dialect.
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
  const { dialect } = deps.db;

  const { rows, total, sort, limit, scope } = await deps.db.withScope(principal, async (trx) => {
    const plan = buildListQuery(trx, dialect, resource, query);
    const page = await plan.page.execute();
    const count = await plan.count.executeTakeFirst();
    const { sort, limit, scope } = plan;
    return { rows: page, total: count?.n ?? 0, sort, limit, scope };
  });

  const parsed = rows
    .slice(0, limit)
    .map((row) => resource.row.parse(dialect.decodeRow(resource.table, row)));
  const last = parsed.at(-1);
  const hasMore = rows.length > limit && last !== undefined;
  return {
    items: parsed.map((row) =>
      redactItem(resource.toItem(row), resource.fields, principal.clearance),
    ),
    nextCursor: hasMore
      ? encodeCursor({
          sortKey: sort.name,
          scope,
          sortValue: last[sort.spec.column] as string | number,
          id: last['id'] as number,
        })
      : null,
    total,
  };
}
