import type { RawBuilder } from 'kysely';
import type { ZodObject, ZodType } from 'zod';

import type { Classification } from '../../shared/auth/roles.js';
import type { Database } from '../../shared/db/schema.js';

/** How a sort key compares, which decides the cast of its cursor value. */
export type SortType = 'integer' | 'numeric' | 'date' | 'text';

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
 * Filters and sorts name columns from this file only, never from the request, and every value
 * is a bind parameter.
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
  /** Sort keys the list accepts; `-key` sorts descending. The first is the default. */
  readonly sorts: Readonly<Record<string, SortSpec>>;
  /**
   * The condition for `q`, given the bound tsquery; by default the table's generated `search`
   * tsvector matches it.
   */
  readonly search?: (tsquery: RawBuilder<unknown>) => RawBuilder<unknown>;
  /** SQL conditions for the resource's own filters. */
  readonly filters: (query: TQuery) => RawBuilder<unknown>[];
}
