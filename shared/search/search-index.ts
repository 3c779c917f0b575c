import type { Division } from '../auth/divisions.js';
import type { VerifiedPrincipal } from '../auth/principal.js';

/** What a caller asks of the index, after validation. */
export interface SearchQuery {
  /**
   * Free text, matched as words only. It never reaches a query parser: metacharacters of SQL,
   * Lucene or Elasticsearch are ordinary text here.
   */
  readonly q: string;
  /** Resource names to search; all of the index's resources when absent. */
  readonly resources?: readonly string[] | undefined;
  readonly limit: number;
  /** Opaque, from a previous page's `nextCursor`. */
  readonly cursor?: string | undefined;
}

/** Matched text from one field, HTML-escaped, with each match wrapped in `<mark>`. */
export interface SearchHighlight {
  readonly field: string;
  readonly fragments: readonly string[];
}

/**
 * One record that matched. Carries no field above the caller's clearance: the title is a
 * PUBLIC field and highlights come only from fields the caller may read.
 */
export interface SearchHit {
  readonly resource: string;
  readonly id: number;
  readonly division: Division;
  readonly title: string | null;
  /** Relevance; comparable within one page of one backend only. */
  readonly score: number;
  readonly highlights: readonly SearchHighlight[];
}

export interface SearchPage {
  readonly hits: readonly SearchHit[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** A record's indexable text: only fields the resource declares, never a RESTRICTED one. */
export interface SearchDocument {
  readonly resource: string;
  readonly id: number;
  readonly division: Division;
  readonly fields: Readonly<Record<string, string | null>>;
}

/** Names one record in the index. */
export interface SearchDocumentRef {
  readonly resource: string;
  readonly id: number;
}

/**
 * Full-text search over the financial records, bounded by the caller's divisions and
 * clearance. Elasticsearch in Azure, Postgres full-text search locally.
 */
export interface SearchIndex {
  /**
   * A page of hits in the caller's divisions, best first. A caller with no division or no
   * clearance gets an empty page without the index being asked.
   *
   * @throws AppError VALIDATION_FAILED for a malformed cursor; AppError STORE_UNAVAILABLE when
   * the index cannot answer.
   */
  search(principal: VerifiedPrincipal, query: SearchQuery): Promise<SearchPage>;
  /**
   * Writes documents, replacing any with the same resource and id, so a redelivered batch
   * leaves the index as one delivery would.
   *
   * @throws AppError STORE_UNAVAILABLE when the index refuses or cannot be reached.
   */
  index(documents: readonly SearchDocument[]): Promise<void>;
  /** Removes documents; one that is already absent is not an error. */
  remove(refs: readonly SearchDocumentRef[]): Promise<void>;
}
