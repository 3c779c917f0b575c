import { createRequire } from 'node:module';

import type * as ElasticsearchCommonJs from '@elastic/elasticsearch' with {
  'resolution-mode': 'require',
};
import type { Client, ClientOptions } from '@elastic/elasticsearch' with {
  'resolution-mode': 'require',
};
import { z } from 'zod';

import { DIVISIONS, isDivision } from '../auth/divisions.js';
import type { VerifiedPrincipal } from '../auth/principal.js';
import { AppError, isAppError } from '../errors/app-error.js';
import type { SecretSource } from '../keyvault/key-vault-secret-source.js';
import { assertSearchResources } from './assert-search-resources.js';
import { buildIndexMapping } from './elasticsearch-index-mapping.js';
import { buildSearchRequest } from './elasticsearch-search-request.js';
import { readableSearchFields } from './readable-search-fields.js';
import { decodeSearchCursor, encodeSearchCursor } from './search-cursor.js';
import type {
  SearchDocument,
  SearchDocumentRef,
  SearchHit,
  SearchIndex,
  SearchPage,
  SearchQuery,
} from './search-index.js';
import type { SearchResource } from './search-resource.js';
import { selectSearchResources } from './select-search-resources.js';

type ElasticsearchModule = typeof ElasticsearchCommonJs;

/** Options of {@link createElasticsearchSearchIndex}. */
export interface ElasticsearchSearchIndexOptions {
  /** The cluster's `https://` endpoint. */
  readonly node: string;
  /** Where the API key lives; read on every call, so a rotation is picked up. */
  readonly secrets: SecretSource;
  readonly apiKeySecretName: string;
  readonly resources: readonly SearchResource[];
  /** Index names are `<prefix><resource>`; `eds-`. */
  readonly indexPrefix?: string;
  /** Per request, before the call fails as STORE_UNAVAILABLE; 5 seconds. */
  readonly requestTimeoutMs?: number;
  /** The transport's connection class. Tests pass `@elastic/elasticsearch-mock`'s. */
  readonly connection?: ClientOptions['Connection'];
}

/** The Elasticsearch index, plus what only an external index needs. */
export interface ElasticsearchSearchIndex extends SearchIndex {
  /** Creates each resource's index with its explicit mapping; an existing index is kept. */
  ensureIndices(): Promise<void>;
  close(): Promise<void>;
}

const RETRY_AFTER_SECONDS = 5;

const HitSchema = z.object({
  _score: z.number().nullable().optional(),
  _source: z
    .object({ resource: z.string(), id: z.number().int(), division: z.enum(DIVISIONS) })
    .catchall(z.unknown()),
  highlight: z.record(z.string(), z.array(z.string())).optional(),
});

const BulkResponseSchema = z.object({ errors: z.boolean() });

// The client's CommonJS build, loaded on first use: one copy for the client, its error classes
// and any connection class a test supplies (the mock only recognises CommonJS errors; a dual
// package would hand us two unrelated `ResponseError`s). Also keeps it off the cold start.
let elasticsearch: ElasticsearchModule | undefined;
function loadElasticsearch(): ElasticsearchModule {
  elasticsearch ??= createRequire(import.meta.url)('@elastic/elasticsearch') as ElasticsearchModule;
  return elasticsearch;
}

function assertNode(node: string): void {
  let url: URL;
  try {
    url = new URL(node);
  } catch {
    throw new Error('Search endpoint is not a URL');
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') {
    throw new Error('Search endpoint must be https:// without credentials');
  }
}

/**
 * Turns a failure of the client (HTTP error, timeout, connection, malformed response) into
 * AppError STORE_UNAVAILABLE. Only the error's class name and status are kept: the client's
 * error carries the request, which holds the caller's text.
 */
function toSearchFailure(error: unknown): unknown {
  if (isAppError(error)) return error;
  const { errors } = loadElasticsearch();
  if (!(error instanceof errors.ElasticsearchClientError)) return error;
  const status = error instanceof errors.ResponseError ? ` ${error.statusCode ?? ''}` : '';
  return new AppError('STORE_UNAVAILABLE', 'Search index unavailable', {
    details: { retryAfterSeconds: RETRY_AFTER_SECONDS, reason: `${error.name}${status}`.trim() },
  });
}

function isAlreadyExists(error: unknown): boolean {
  const { errors } = loadElasticsearch();
  if (!(error instanceof errors.ResponseError)) return false;
  const body: unknown = error.body;
  return JSON.stringify(body ?? null).includes('"resource_already_exists_exception"');
}

/**
 * Search on Elasticsearch, one index per resource, with an API key read from Key Vault.
 *
 * The key is read from the secret source on every call (the source caches it) and the client
 * is rebuilt when the key's version changes; the previous client closes once its requests
 * have had time to finish. Every query filters on the caller's divisions, matches the caller's
 * text only inside `multi_match`, and matches and highlights only fields within the caller's
 * clearance; a caller without divisions or clearance costs no request. Documents hold only the
 * fields the catalogue declares (never a RESTRICTED one), under a `dynamic: 'strict'` mapping.
 *
 * LIMITATION: `ensureIndices` creates a missing index but never compares an existing index's
 * mapping with the catalogue; a changed mapping needs a new index and a reindex.
 *
 * @throws Error at construction when the endpoint or catalogue is unsafe. The index's methods
 * throw AppError STORE_UNAVAILABLE (503) when Elasticsearch fails or times out, and
 * CRYPTO_KEY_UNAVAILABLE when the API key cannot be read.
 */
export function createElasticsearchSearchIndex(
  options: ElasticsearchSearchIndexOptions,
): ElasticsearchSearchIndex {
  assertNode(options.node);
  assertSearchResources(options.resources);
  const prefix = options.indexPrefix ?? 'eds-';
  const requestTimeout = options.requestTimeoutMs ?? 5000;
  const byName = new Map(options.resources.map((resource) => [resource.name, resource]));
  const indexName = (resource: SearchResource): string => `${prefix}${resource.name}`;
  let current: { readonly version: string; readonly client: Client } | undefined;
  let ensured: Promise<void> | undefined;

  const getClient = async (): Promise<Client> => {
    const secret = await options.secrets.getSecret(options.apiKeySecretName);
    if (current?.version === secret.version) return current.client;
    const { Client: ClientClass } = loadElasticsearch();
    const client = new ClientClass({
      node: options.node,
      auth: { apiKey: secret.value },
      requestTimeout,
      maxRetries: 1,
      ...(options.connection === undefined ? {} : { Connection: options.connection }),
    });
    const previous = current?.client;
    current = { version: secret.version, client };
    if (previous !== undefined) {
      // Late enough for requests already sent with the old key to finish. A failed close leaves
      // only idle sockets of a client no request uses any more; nothing waits on it.
      const retire = () => void previous.close().catch(() => undefined);
      setTimeout(retire, requestTimeout).unref();
    }
    return client;
  };

  const call = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = await getClient();
    try {
      return await work(client);
    } catch (error) {
      throw toSearchFailure(error);
    }
  };

  const resourceOf = (name: string): SearchResource => {
    const resource = byName.get(name);
    if (resource === undefined) throw new Error('Search document names an unknown resource');
    return resource;
  };

  const toSource = (document: SearchDocument): Record<string, unknown> => {
    const resource = resourceOf(document.resource);
    if (!isDivision(document.division)) throw new Error('Search document has no valid division');
    const source: Record<string, unknown> = {
      resource: resource.name,
      id: document.id,
      division: document.division,
    };
    for (const [name, value] of Object.entries(document.fields)) {
      // Only declared fields: an undeclared one could be anything, a RESTRICTED value included.
      if (!resource.fields.some((field) => field.name === name)) {
        throw new Error(`Search document field ${resource.name}.${name} is not declared`);
      }
      source[name] = value;
    }
    return source;
  };

  const ensureIndices = async (): Promise<void> => {
    for (const resource of options.resources) {
      await call(async (client) => {
        try {
          await client.indices.create({
            index: indexName(resource),
            mappings: buildIndexMapping(resource),
          });
        } catch (error) {
          if (!isAlreadyExists(error)) throw error;
        }
      });
    }
  };

  const bulk = async (operations: Record<string, unknown>[]): Promise<void> => {
    if (operations.length === 0) return;
    ensured ??= ensureIndices().catch((error: unknown) => {
      ensured = undefined;
      throw error;
    });
    await ensured;
    const response = await call((client) => client.bulk({ operations }));
    if (BulkResponseSchema.parse(response).errors) {
      throw new AppError('STORE_UNAVAILABLE', 'Search index refused part of a bulk write', {
        details: { retryAfterSeconds: RETRY_AFTER_SECONDS, reason: 'bulk_item_failed' },
      });
    }
  };

  const toHit = (principal: VerifiedPrincipal, raw: unknown): SearchHit | undefined => {
    const parsed = HitSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('STORE_UNAVAILABLE', 'Malformed search hit');
    const { _source: source, highlight = {} } = parsed.data;
    const resource = byName.get(source.resource);
    // Defence in depth: the query already filtered on both.
    if (resource === undefined || !principal.divisions.includes(source.division)) return undefined;
    const readable = new Set(
      readableSearchFields(resource, principal.clearance).map((f) => f.name),
    );
    const title = source[resource.titleField];
    return {
      resource: resource.name,
      id: source.id,
      division: source.division,
      title: typeof title === 'string' ? title : null,
      score: parsed.data._score ?? 0,
      highlights: Object.entries(highlight)
        .filter(([field]) => readable.has(field))
        .map(([field, fragments]) => ({ field, fragments })),
    };
  };

  return {
    async search(principal, query: SearchQuery): Promise<SearchPage> {
      const offset = decodeSearchCursor(query);
      if (principal.divisions.length === 0) return { hits: [], nextCursor: null };
      const request = buildSearchRequest({
        principal,
        q: query.q,
        resources: selectSearchResources(options.resources, query.resources),
        indexName,
        offset,
        limit: query.limit,
      });
      if (request === undefined) return { hits: [], nextCursor: null };
      const response = await call((client) => client.search(request));
      const hits = response.hits.hits.flatMap((hit) => toHit(principal, hit) ?? []);
      const hasMore = response.hits.hits.length > query.limit;
      return {
        hits: hits.slice(0, query.limit),
        nextCursor: hasMore ? encodeSearchCursor(offset + query.limit, query) : null,
      };
    },
    async index(documents: readonly SearchDocument[]): Promise<void> {
      const operations = documents.flatMap((document) => [
        { index: { _index: indexName(resourceOf(document.resource)), _id: String(document.id) } },
        toSource(document),
      ]);
      await bulk(operations);
    },
    async remove(refs: readonly SearchDocumentRef[]): Promise<void> {
      const operations = refs.map((ref) => ({
        delete: { _index: indexName(resourceOf(ref.resource)), _id: String(ref.id) },
      }));
      await bulk(operations);
    },
    ensureIndices,
    async close(): Promise<void> {
      await current?.client.close();
      current = undefined;
    },
  };
}
