import { createRequire } from 'node:module';

import type {
  BaseConnection,
  ConnectionRequestOptions,
  ConnectionRequestOptionsAsStream,
  ConnectionRequestParams,
  ConnectionRequestResponse,
  ConnectionRequestResponseAsStream,
} from '@elastic/elasticsearch' with { 'resolution-mode': 'require' };
import { z } from 'zod';
import { afterEach, beforeEach } from 'vitest';

import {
  createElasticsearchSearchIndex,
  type ElasticsearchSearchIndex,
} from '../elasticsearch-search-index.js';
import {
  createFakeSecretSource,
  TEST_RESOURCES,
  type FakeSecretSource,
} from './search-fixtures.js';

// The mock and the client's error classes must come from the CommonJS build the adapter loads
// (PLATFORM-NOTES: the mock only recognises the client's CommonJS errors).
const require = createRequire(import.meta.url);
/** The client's error classes, as the adapter sees them. */
export const { errors } = require('@elastic/elasticsearch') as typeof import(
  '@elastic/elasticsearch',
  { with: { 'resolution-mode': 'require' } }
);
type Resolver = (params: SeenRequest) => unknown;
export interface ClientMock {
  add(pattern: { method: string | string[]; path: string }, resolver: Resolver): ClientMock;
  clear(pattern: { method: string; path: string }): ClientMock;
  getConnection(): typeof BaseConnection;
}
const Mock = require('@elastic/elasticsearch-mock') as new () => ClientMock;

/** One request the mocked cluster received. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  /** As sent: a search or mapping object, or the bulk lines; read it with {@link searchBodyOf}. */
  readonly body: unknown;
  readonly querystring: Record<string, string>;
}

/** A search index over the official client's own mock, and what the mock saw. */
export interface MockedSearchIndex {
  readonly mock: ClientMock;
  readonly seen: SeenRequest[];
  /** The Authorization header of every request, in order. */
  readonly authorizations: string[];
  readonly secrets: FakeSecretSource;
  readonly index: ElasticsearchSearchIndex;
  /** What `_search` answers from now on (an error instance is returned as the failure). */
  respondToSearch(response: () => unknown): void;
}

/** The parts of a `_search` body the tests read. */
const SearchBodySchema = z.looseObject({
  from: z.number(),
  size: z.number(),
  _source: z.array(z.string()),
  query: z.looseObject({ bool: z.looseObject({ should: z.array(z.unknown()) }) }),
});

/** The body of a recorded `_search` request; throws when it is not one. */
export function searchBodyOf(request: SeenRequest | undefined): z.infer<typeof SearchBodySchema> {
  return SearchBodySchema.parse(request?.body);
}

/** A search hit as the cluster returns it. */
export function hit(
  resource: string,
  id: number,
  division: string,
  extra: Record<string, unknown> = {},
) {
  return {
    _index: `eds-${resource}`,
    _id: String(id),
    _score: 2.5,
    _source: { resource, id, division, ...extra },
  };
}

/**
 * Before each test, a fresh mocked cluster (search, index creation and bulk recorded and
 * acknowledged) and an index over it with the API key `key-one` (version v1); closed after it.
 * Read the fields inside tests only.
 */
export function useMockedSearchIndex(): MockedSearchIndex {
  let current: MockedSearchIndex | undefined;
  let searchResponse: () => unknown = () => ({ hits: { hits: [] } });

  beforeEach(() => {
    const mock = new Mock();
    const seen: SeenRequest[] = [];
    const authorizations: string[] = [];
    searchResponse = () => ({ hits: { hits: [] } });
    mock.add({ method: ['GET', 'POST'], path: '/:index/_search' }, (params: SeenRequest) => {
      seen.push(params);
      return searchResponse();
    });
    mock.add({ method: 'PUT', path: '/:index' }, (params: SeenRequest) => {
      seen.push(params);
      return { acknowledged: true };
    });
    mock.add({ method: 'POST', path: '/_bulk' }, (params: SeenRequest) => {
      seen.push(params);
      return { errors: false, items: [] };
    });
    const Base = mock.getConnection();
    // Records the authorization header each request is sent with.
    class RecordingConnection extends Base {
      override request(
        params: ConnectionRequestParams,
        options: ConnectionRequestOptions,
      ): Promise<ConnectionRequestResponse>;
      override request(
        params: ConnectionRequestParams,
        options: ConnectionRequestOptionsAsStream,
      ): Promise<ConnectionRequestResponseAsStream>;
      override request(
        params: ConnectionRequestParams,
        options: ConnectionRequestOptions | ConnectionRequestOptionsAsStream,
      ): Promise<ConnectionRequestResponse | ConnectionRequestResponseAsStream> {
        authorizations.push(String(this.headers['authorization']));
        return super.request(params, options);
      }

      // The mock's connection has nothing to close.
      override close(): Promise<void> {
        return Promise.resolve();
      }
    }
    const secrets = createFakeSecretSource('key-one', 'v1');
    const index = createElasticsearchSearchIndex({
      node: 'https://localhost:9200',
      secrets,
      apiKeySecretName: 'eds-search-api-key',
      resources: TEST_RESOURCES,
      connection: RecordingConnection,
    });
    current = {
      mock,
      seen,
      authorizations,
      secrets,
      index,
      respondToSearch: (response) => {
        searchResponse = response;
      },
    };
  });
  afterEach(() => current?.index.close());

  const started = (): MockedSearchIndex => {
    if (current === undefined) throw new Error('mocked search index used outside a test');
    return current;
  };
  return {
    get mock() {
      return started().mock;
    },
    get seen() {
      return started().seen;
    },
    get authorizations() {
      return started().authorizations;
    },
    get secrets() {
      return started().secrets;
    },
    get index() {
      return started().index;
    },
    respondToSearch: (response) => started().respondToSearch(response),
  };
}
