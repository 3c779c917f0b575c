import type { estypes } from '@elastic/elasticsearch';

import type { VerifiedPrincipal } from '../auth/principal.js';
import { readableSearchFields } from './readable-search-fields.js';
import type { SearchResource } from './search-resource.js';

/** What {@link buildSearchRequest} needs, all of it already validated. */
export interface SearchRequestInput {
  readonly principal: VerifiedPrincipal;
  readonly q: string;
  readonly resources: readonly SearchResource[];
  readonly indexName: (resource: SearchResource) => string;
  readonly offset: number;
  readonly limit: number;
}

/**
 * The one search request the adapter sends, or undefined when the caller may match no field.
 *
 * > [!WARNING]
 * > The caller's text appears only as the `query` of `multi_match` clauses, which analyse it as
 * > plain words; it never reaches `query_string` or `simple_query_string`, so Lucene syntax
 * > (`title:*`, `OR`, quotes, wildcards, escapes) is inert. Every request carries a `terms`
 * > filter on the caller's divisions, and matching and highlighting name only the fields the
 * > caller's clearance covers, per resource.
 */
export function buildSearchRequest(input: SearchRequestInput): estypes.SearchRequest | undefined {
  const searchable = input.resources
    .map((resource) => ({
      resource,
      fields: readableSearchFields(resource, input.principal.clearance).map((f) => f.name),
    }))
    .filter((entry) => entry.fields.length > 0);
  if (searchable.length === 0) return undefined;
  const highlighted = [...new Set(searchable.flatMap((entry) => entry.fields))];
  const titles = [...new Set(searchable.map((entry) => entry.resource.titleField))];
  return {
    index: searchable.map((entry) => input.indexName(entry.resource)),
    allow_partial_search_results: false,
    from: input.offset,
    size: input.limit + 1,
    track_total_hits: false,
    _source: ['resource', 'id', 'division', ...titles],
    query: {
      bool: {
        filter: [{ terms: { division: [...input.principal.divisions] } }],
        should: searchable.map((entry) => ({
          bool: {
            filter: [{ term: { resource: entry.resource.name } }],
            must: [
              {
                multi_match: {
                  query: input.q,
                  type: 'cross_fields',
                  operator: 'and',
                  fields: entry.fields,
                },
              },
            ],
          },
        })),
        minimum_should_match: 1,
      },
    },
    highlight: {
      encoder: 'html',
      pre_tags: ['<mark>'],
      post_tags: ['</mark>'],
      require_field_match: true,
      number_of_fragments: 2,
      fragment_size: 120,
      fields: Object.fromEntries(highlighted.map((name) => [name, {}])),
    },
    sort: [{ _score: { order: 'desc' } }, { resource: { order: 'asc' } }, { id: { order: 'asc' } }],
  };
}
