import { AppError } from '../../shared/errors/app-error.js';
import { defineHttpFunction } from '../../shared/http/define-http-function.js';
import { getSearchIndex } from './search-deps.js';
import { SearchPageSchema, SearchRecordsQuerySchema } from './search-records-query.js';

/**
 * `GET /api/v1/search?q=`: records across resources that match the words of `q`, within the
 * caller's divisions, best first. Requires `search:query` (EDS.Analyst and up). Hits carry a
 * PUBLIC title and highlights from fields within the caller's clearance only; RESTRICTED fields
 * are never indexed. The request's audit event names the searched resources, never the text.
 *
 * @throws AppError VALIDATION_FAILED (400) for a bad query or cursor; STORE_UNAVAILABLE (503)
 * when the index cannot answer; CRYPTO_KEY_UNAVAILABLE (503) when its API key cannot be read.
 */
defineHttpFunction({
  name: 'search-query-records',
  capability: 'search',
  route: 'v1/search',
  methods: ['GET'],
  access: { permission: 'search:query' },
  summary: "Search records across resources within the caller's divisions",
  query: SearchRecordsQuerySchema,
  response: SearchPageSchema,
  // In Azure the index's API key is read from Key Vault.
  errorCodes: ['CRYPTO_KEY_UNAVAILABLE'],
  handler: async ({ principal, query }) => {
    if (principal === undefined) throw new AppError('AUTH_TOKEN_MISSING', 'no principal');
    const index = await getSearchIndex();
    const page = await index.search(principal, query);
    return { body: page, auditResource: `search:${query.resources?.join(',') ?? '*'}` };
  },
});
