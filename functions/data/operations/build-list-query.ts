import {
  expressionBuilder,
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SqlBool,
} from 'kysely';

import type { Division } from '../../../shared/auth/divisions.js';
import type { Database } from '../../../shared/db/schema.js';
import type { SqlDialectFeatures } from '../../../shared/db/sql-dialect-features.js';
import type { ConditionContext, DataResource, ListQueryBase, SortSpec } from '../data-resource.js';
import { DEFAULT_PAGE_SIZE } from '../list-query-schema.js';
import { decodeCursor, listScopeOf, type RecordCursor } from '../record-cursor.js';
import { resourceColumns } from './resource-columns.js';

/** A list's sort as the request named it (`-amountExpended`) and as the resource declares it. */
export interface ResolvedSort {
  readonly name: string;
  readonly descending: boolean;
  readonly spec: SortSpec;
}

function resolveSort(sorts: Readonly<Record<string, SortSpec>>, key: string | undefined) {
  const name = key ?? Object.keys(sorts)[0] ?? '';
  const descending = name.startsWith('-');
  const spec = sorts[descending ? name.slice(1) : name];
  if (spec === undefined) throw new Error(`Sort ${name} is not declared`);
  return { name, descending, spec };
}

function conditionsOf<T extends { id: number }, Q extends ListQueryBase>(
  resource: DataResource<T, Q>,
  query: Q,
  context: ConditionContext,
): Expression<SqlBool>[] {
  const { eb, dialect } = context;
  const conditions: Expression<SqlBool>[] = [];
  // Row-level security already limits rows to the caller's divisions; this only narrows.
  if (query.division !== undefined) {
    conditions.push(eb('division', '=', query.division as Division));
  }
  if (query.q !== undefined) {
    conditions.push(resource.search?.(context, query.q) ?? dialect.matchesText('search', query.q));
  }
  return [...conditions, ...resource.filters(query, context)];
}

/**
 * Rows after the cursor in the sort order. Written without row-value comparison, which SQL
 * Server lacks: `col > v OR (col = v AND id > i)`, descending with `<`; plain `id > i` for the
 * id sort.
 */
function keysetAfter(
  eb: ExpressionBuilder<Database, keyof Database>,
  dialect: SqlDialectFeatures,
  sort: ResolvedSort,
  after: RecordCursor,
): Expression<SqlBool> {
  const beyond = sort.descending ? '<' : '>';
  if (sort.spec.column === 'id') return eb('id', beyond, after.id);
  const column = sql.ref(sort.spec.column);
  const value = eb.cast(eb.val(after.sortValue), dialect.castType(sort.spec.type));
  return eb.or([
    eb(column, beyond, value),
    eb.and([eb(column, '=', value), eb('id', beyond, after.id)]),
  ]);
}

/**
 * The two queries of {@link listRecords}, built once for both dialects: a keyset page of one
 * row more than `limit` (to tell whether another page follows) and the count of every row the
 * filters match. Neither carries a division condition of its own beyond the caller's
 * `division` filter: run them inside `withScope`, where row-level security adds one.
 *
 * Column names come from the resource, never from the request; every value is bound.
 *
 * @throws AppError VALIDATION_FAILED when the cursor is malformed or belongs to another sort.
 */
export function buildListQuery<T extends { id: number }, Q extends ListQueryBase>(
  db: Kysely<Database>,
  dialect: SqlDialectFeatures,
  resource: DataResource<T, Q>,
  query: Q,
) {
  const sort: ResolvedSort = resolveSort(resource.sorts, query.sort);
  const scope = listScopeOf(resource.noun, query);
  const after =
    query.cursor === undefined
      ? undefined
      : decodeCursor(query.cursor, { sortKey: sort.name, type: sort.spec.type, scope });
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const eb = expressionBuilder<Database, keyof Database>();
  const conditions = conditionsOf(resource, query, { eb, dialect });
  const direction = sort.descending ? 'desc' : 'asc';
  const pageConditions =
    after === undefined ? conditions : [...conditions, keysetAfter(eb, dialect, sort, after)];

  const page = db
    .selectFrom(resource.table)
    .select(resourceColumns(resource, dialect))
    .$if(pageConditions.length > 0, (qb) => qb.where(eb.and(pageConditions)))
    .orderBy(sql.ref(sort.spec.column), direction)
    // SQL Server refuses a column twice in ORDER BY (error 169), so `id` breaks ties only once.
    .$if(sort.spec.column !== 'id', (qb) => qb.orderBy('id', direction))
    .offset(0)
    .fetch(limit + 1);
  const count = db
    .selectFrom(resource.table)
    .select(eb.cast<number>(eb.fn.countAll(), 'integer').as('n'))
    .$if(conditions.length > 0, (qb) => qb.where(eb.and(conditions)));
  return { page, count, sort, limit, scope };
}
