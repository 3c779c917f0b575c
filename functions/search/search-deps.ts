import { z } from 'zod';

import { parseEnv } from '../../shared/config/parse-env.js';
import { getServices, type Services } from '../../shared/runtime/services.js';
import type { SearchIndex } from '../../shared/search/search-index.js';
import { SEARCH_RESOURCES } from './search-resources.js';

const AzureSearchEnvSchema = z.object({
  EDS_SEARCH_ENDPOINT: z.string().url().startsWith('https://'),
  EDS_SEARCH_API_KEY_SECRET_NAME: z
    .string()
    .regex(/^[0-9A-Za-z-]{1,127}$/)
    .default('eds-search-api-key'),
});

const built = new WeakMap<Services, Promise<SearchIndex>>();

async function createAzureSearchIndex(services: Services): Promise<SearchIndex> {
  const env = parseEnv(AzureSearchEnvSchema, process.env);
  if (services.secrets === undefined) throw new Error('Invalid configuration: EDS_KEYVAULT_URL');
  // Loaded here, not at import: the Elasticsearch client stays off the cold start of every other
  // function, and off the local host entirely.
  const { createElasticsearchSearchIndex } =
    await import('../../shared/search/elasticsearch-search-index.js');
  return createElasticsearchSearchIndex({
    node: env.EDS_SEARCH_ENDPOINT,
    secrets: services.secrets,
    apiKeySecretName: env.EDS_SEARCH_API_KEY_SECRET_NAME,
    resources: SEARCH_RESOURCES,
  });
}

async function createSearchIndex(services: Services): Promise<SearchIndex> {
  if (services.config.runtime === 'azure') return createAzureSearchIndex(services);
  const { createPostgresSearchIndex } =
    await import('../../shared/search/postgres-search-index.js');
  return createPostgresSearchIndex({ db: services.db, resources: SEARCH_RESOURCES });
}

/**
 * The instance's search index, built on first use: Elasticsearch in Azure (endpoint from
 * `EDS_SEARCH_ENDPOINT`, API key from the Key Vault secret `EDS_SEARCH_API_KEY_SECRET_NAME`),
 * Postgres full-text search over the services' database locally.
 *
 * @throws Error naming the missing or malformed setting (never a value) on first use in Azure.
 */
export async function getSearchIndex(): Promise<SearchIndex> {
  const services = await getServices();
  let index = built.get(services);
  if (index === undefined) {
    index = createSearchIndex(services).catch((error: unknown) => {
      built.delete(services);
      throw error;
    });
    built.set(services, index);
  }
  return index;
}
