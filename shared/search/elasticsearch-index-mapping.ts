/**
 * Elasticsearch mappings of the search indices. Compatibility: a mapping is fixed once an index
 * exists; changing a field's type means a new index and a reindex, not an edit here alone.
 */
import type { estypes } from '@elastic/elasticsearch';

import type { SearchResource } from './search-resource.js';

/**
 * The explicit mapping of one resource's index: `resource`, `id` and `division` for filters and
 * sorting, one English-analysed text field per indexed field, and `dynamic: 'strict'`, so a
 * document carrying any other field (a RESTRICTED one included) is refused, not indexed.
 */
export function buildIndexMapping(resource: SearchResource): estypes.MappingTypeMapping {
  const properties: Record<string, estypes.MappingProperty> = {
    resource: { type: 'keyword' },
    id: { type: 'integer' },
    division: { type: 'keyword' },
  };
  for (const field of resource.fields)
    properties[field.name] = { type: 'text', analyzer: 'english' };
  return { dynamic: 'strict', properties };
}
