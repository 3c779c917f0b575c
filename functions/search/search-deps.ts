import { z } from 'zod';

import { getServices, type Services } from '../../shared/runtime/services.js';
import type { SearchIndex } from '../../shared/search/search-index.js';
import { SEARCH_RESOURCES } from './search-resources.js';

const AzureSearchEnvSchema = z.object({
  EDS_SEARCH_ENDPOINT: z.string().url().startsWith('https://'),
  EDS_SEARCH_API_KEY_SECRET_NAME: z
    .string()
    .regex(/^[0-9A-Za-z-]{1,127}$/)
    .default('eds-search-api-key'),
  EDS_KEYVAULT_URL: z.string().url().startsWith('https://'),
});

const built = new WeakMap<Services, Promise<SearchIndex>>();

async function createAzureSearchIndex(): Promise<SearchIndex> {
  const parsed = AzureSearchEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Invalid configuration: ${names}`);
  }
  // Loaded here, not at import: the Elasticsearch client and Azure SDKs stay off the cold start
  // of every other function, and off the local host entirely.
  const [{ createElasticsearchSearchIndex }, identity, settings, keyVault] = await Promise.all([
    import('../../shared/search/elasticsearch-search-index.js'),
    import('../../shared/identity/app-credential.js'),
    import('../../shared/identity/credential-settings.js'),
    import('../../shared/keyvault/key-vault-secret-source.js'),
  ]);
  // LIMITATION: the services object exposes no credential or secret source, so search builds
  // its own pair from the same settings; the identity library still shares one token source.
  const credential = identity.createAppCredential(settings.loadCredentialSettings());
  const secrets = keyVault.createKeyVaultSecretSource({
    vaultUrl: parsed.data.EDS_KEYVAULT_URL,
    credential,
  });
  return createElasticsearchSearchIndex({
    node: parsed.data.EDS_SEARCH_ENDPOINT,
    secrets,
    apiKeySecretName: parsed.data.EDS_SEARCH_API_KEY_SECRET_NAME,
    resources: SEARCH_RESOURCES,
  });
}

async function createSearchIndex(services: Services): Promise<SearchIndex> {
  if (services.config.runtime === 'azure') return createAzureSearchIndex();
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
