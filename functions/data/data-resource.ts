import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { ZodObject, ZodType } from 'zod';

import type { Classification } from '../../shared/auth/roles.js';
import type { Database } from '../../shared/db/schema.js';
import type { SqlDialectFeatures, SqlValueType } from '../../shared/db/sql-dialect-features.js';

/** How a sort key compares, which decides the cast of its cursor value. */
export type SortType = SqlValueType;

/**
 * What a resource's conditions are built with: Kysely's expression builder over every table (so
 * a condition can reach a related table in a subquery) and the store's dialect pieces.
 */
export interface ConditionContext {
  readonly eb: ExpressionBuilder<Database, keyof Database>;
  readonly dialect: SqlDialectFeatures;
}

export interface SortSpec {
  readonly column: string;
  readonly type: SortType;
}

/** The query fields every list accepts, after validation. */
export interface ListQueryBase {
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
  readonly division?: string | undefined;
  readonly q?: string | undefined;
  readonly sort?: string | undefined;
}

/**
 * One readable resource: where its rows live, how a row becomes an API item, which filters and
 * sorts it offers, and the classification of every field it returns.
 *
 * Filters and sorts name columns from the resource's own file, never from the request, and every
 * value is a bind parameter.
 */
export interface DataResource<TItem extends { readonly id: number }, TQuery extends ListQueryBase> {
  /** Plural noun as in the route and audit resource: `awards`. */
  readonly noun: string;
  readonly table: keyof Database;
  /** The columns selected, with their driver types; parsed before anything reads a row. */
  readonly row: ZodObject;
  readonly toItem: (row: Record<string, unknown>) => TItem;
  /** Classification of every field of an item; `redactItem` drops what the caller may not read. */
  readonly fields: Readonly<Record<keyof TItem & string, Classification>>;
  readonly item: ZodType<TItem>;
  /** Name of the item's schema in the API description: `Award`. */
  readonly itemId: string;
  /** Sort keys the list accepts; `-key` sorts descending. The first is the default. */
  readonly sorts: Readonly<Record<string, SortSpec>>;
  /**
   * The condition for `q` (the caller's text, to be bound); by default the table's own `search`
   * column matches every word of it.
   */
  readonly search?: (context: ConditionContext, text: string) => Expression<SqlBool>;
  /** Conditions for the resource's own filters, built once for both dialects. */
  readonly filters: (query: TQuery, context: ConditionContext) => Expression<SqlBool>[];
  /**
   * Filters that read a CONFIDENTIAL field. A filter is a read of its field, so only callers
   * cleared for CONFIDENTIAL may use them (as with `q`, whose text vectors hold such fields).
   */
  readonly confidentialFilters?: readonly (keyof TQuery & string)[];
  /**
   * The table carries `row_version` (records EDS writes): on the Postgres store a read by id
   * answers with the version's `ETag`, the one an update's `If-Match` names.
   */
  readonly versioned?: boolean;
}
