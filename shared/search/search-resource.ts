import type { Classification } from '../auth/roles.js';
import type { Database } from '../db/schema.js';

/**
 * Classifications a search index may hold. RESTRICTED is absent on purpose: tax ids, bank
 * accounts and personal data never enter an index, not even as ciphertext.
 */
export type IndexedClassification = Exclude<Classification, 'RESTRICTED'>;

/** Tables with a generated `search` tsvector (migration 0001). */
export type SearchableTable = Exclude<keyof Database, 'account_obligations'>;

/** One text field of a resource that search matches and may highlight. */
export interface SearchField {
  /** The API item's field name (`programName`); also the field's name in an index document. */
  readonly name: string;
  /** The table column holding it (`program_name`). */
  readonly column: string;
  readonly classification: IndexedClassification;
}

/**
 * A resource as search sees it: where its rows live and which of its text fields are indexed.
 *
 * Names and columns come from code, never from a request. The `fields` of a resource are
 * exactly the columns its table's generated `search` tsvector covers, so Postgres full-text
 * search and an external index match the same text.
 */
export interface SearchResource {
  /** Plural noun as in the API routes: `awards`, `contract-transactions`. */
  readonly name: string;
  readonly table: SearchableTable;
  /** The field shown as a hit's title; must be a PUBLIC field of `fields`. */
  readonly titleField: string;
  readonly fields: readonly SearchField[];
}
