import { createRequire } from 'node:module';

import type { BaseConnection } from '@elastic/elasticsearch' with {
  'resolution-mode': 'require',
};
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { testPrincipal } from '../db/test-support/test-database.js';
import { AppError, isAppError } from '../errors/app-error.js';
import {
  createElasticsearchSearchIndex,
  type ElasticsearchSearchIndex,
} from './elasticsearch-search-index.js';
import { decodeSearchCursor, encodeSearchCursor } from './search-cursor.js';
import {
  createFakeSecretSource,
  TEST_RESOURCES,
  type FakeSecretSource,
} from './test-support/search-fixtures.js';

// The mock and the client's error classes must come from the CommonJS build the adapter loads
// (PLATFORM-NOTES: the mock only recognises the client's CommonJS errors).
const require = createRequire(import.meta.url);
const { errors } = require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch', {
  with: { 'resolution-mode': 'require' },
});
/* eslint-disable @typescript-eslint/no-explicit-any -- test double: the mock's loose CJS types */
type Resolver = (params: any) => unknown;
interface ClientMock {
  add(pattern: { method: string | string[]; path: string }, resolver: Resolver): ClientMock;
  clear(pattern: { method: string; path: string }): ClientMock;
  getConnection(): typeof BaseConnection;
}
const Mock = require('@elastic/elasticsearch-mock') as new () => ClientMock;

interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly body: any;
  readonly querystring: Record<string, string>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const DC_ANALYST = testPrincipal(['EDS.Analyst'], ['DC']);
const DC_MD_ANALYST = testPrincipal(['EDS.Analyst'], ['DC', 'MD']);
const DC_READER = testPrincipal(['EDS.Reader'], ['DC']);
const NO_DIVISIONS = testPrincipal(['EDS.Analyst'], []);

const ANALYST_AWARD_FIELDS = ['aln', 'programName', 'awardIdentification', 'passthroughAwardIds'];
const ANALYST_RECIPIENT_FIELDS = ['name', 'city', 'uei'];

/** The exact search body for the two test resources, the given text, divisions and fields. */
function expectedSearchBody(
  q: string,
  divisions: readonly string[],
  fields: { awards: readonly string[]; recipients: readonly string[] },
  page: { from: number; size: number } = { from: 0, size: 11 },
) {
  const clause = (resource: string, names: readonly string[]) => ({
    bool: {
      filter: [{ term: { resource } }],
      must: [{ multi_match: { query: q, type: 'cross_fields', operator: 'and', fields: names } }],
    },
  });
  return {
    from: page.from,
    size: page.size,
    track_total_hits: false,
    _source: ['resource', 'id', 'division', 'programName', 'name'],
    query: {
      bool: {
        filter: [{ terms: { division: divisions } }],
        should: [clause('awards', fields.awards), clause('recipients', fields.recipients)],
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
      fields: Object.fromEntries(
        [...fields.awards, ...fields.recipients].map((name) => [name, {}]),
      ),
    },
    sort: [{ _score: { order: 'desc' } }, { resource: { order: 'asc' } }, { id: { order: 'asc' } }],
  };
}

function hit(resource: string, id: number, division: string, extra: Record<string, unknown> = {}) {
  return {
    _index: `eds-${resource}`,
    _id: String(id),
    _score: 2.5,
    _source: { resource, id, division, ...extra },
  };
}

describe('Elasticsearch search index', () => {
  let mock: ClientMock;
  let seen: SeenRequest[];
  let authorizations: string[];
  let secrets: FakeSecretSource;
  let index: ElasticsearchSearchIndex;
  let searchResponse: () => unknown;

  beforeEach(() => {
    mock = new Mock();
    seen = [];
    authorizations = [];
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
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test double
      override request(params: any, options: any): any {
        authorizations.push(String(this.headers['authorization']));
        return super.request(params, options);
      }

      // The mock's connection has nothing to close.
      override close(): Promise<void> {
        return Promise.resolve();
      }
    }
    secrets = createFakeSecretSource('key-one', 'v1');
    index = createElasticsearchSearchIndex({
      node: 'https://localhost:9200',
      secrets,
      apiKeySecretName: 'eds-search-api-key',
      resources: TEST_RESOURCES,
      connection: RecordingConnection,
    });
  });
  afterEach(() => index.close());

  it('sends an analyst query with the division filter, the text in multi_match only and every readable field', async () => {
    await index.search(DC_MD_ANALYST, { q: 'highway planning', limit: 10 });

    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.path).toBe('/eds-awards,eds-recipients/_search');
    expect(seen[0]?.querystring).toEqual({ allow_partial_search_results: 'false' });
    expect(seen[0]?.body).toEqual(
      expectedSearchBody('highway planning', ['DC', 'MD'], {
        awards: ANALYST_AWARD_FIELDS,
        recipients: ANALYST_RECIPIENT_FIELDS,
      }),
    );
  });

  it('matches and highlights only fields within a reader clearance', async () => {
    await index.search(DC_READER, { q: 'highway', limit: 10 });

    expect(seen[0]?.body).toEqual(
      expectedSearchBody('highway', ['DC'], {
        awards: ['aln', 'programName', 'awardIdentification'],
        recipients: ['name', 'city'],
      }),
    );
  });

  it('searches only the resources asked for', async () => {
    await index.search(DC_ANALYST, { q: 'highway', resources: ['recipients'], limit: 5 });

    expect(seen[0]?.path).toBe('/eds-recipients/_search');
    expect(seen[0]?.body.query.bool.should).toHaveLength(1);
    expect(seen[0]?.body._source).toEqual(['resource', 'id', 'division', 'name']);
  });

  it('sends no request and reads no key for a caller without divisions', async () => {
    const page = await index.search(NO_DIVISIONS, { q: 'highway', limit: 10 });

    expect(page).toEqual({ hits: [], nextCursor: null });
    expect(seen).toHaveLength(0);
    expect(secrets.reads).toBe(0);
  });

  it.each([
    'title:* OR division:MD',
    '"',
    '\\',
    '{',
    '*',
    "' OR 1=1 --",
    '%_ @x',
    '{"match_all":{}}',
    'division:* AND NOT resource:awards',
  ])('passes %j to Elasticsearch only as the text of a match clause', async (q) => {
    await index.search(DC_ANALYST, { q, limit: 10 });

    const body = seen[0]?.body;
    expect(body).toEqual(
      expectedSearchBody(q, ['DC'], {
        awards: ANALYST_AWARD_FIELDS,
        recipients: ANALYST_RECIPIENT_FIELDS,
      }),
    );
    const serialised = JSON.stringify(body);
    expect(serialised).not.toContain('query_string');
    expect(serialised).not.toContain('simple_query_string');
  });

  it('maps hits to the caller, dropping highlights of unreadable fields and hits of other divisions', async () => {
    searchResponse = () => ({
      hits: {
        hits: [
          {
            ...hit('awards', 7, 'DC', { programName: 'Highway Planning and Construction' }),
            highlight: {
              programName: ['<mark>Highway</mark> Planning'],
              passthroughAwardIds: ['<mark>HWY</mark>-0042'],
            },
          },
          hit('recipients', 9, 'MD', { name: 'Elsewhere County' }),
          hit('recipients', 3, 'DC', { name: 'District Department of Transportation' }),
        ],
      },
    });

    const page = await index.search(DC_READER, { q: 'highway', limit: 10 });

    expect(page).toEqual({
      hits: [
        {
          resource: 'awards',
          id: 7,
          division: 'DC',
          title: 'Highway Planning and Construction',
          score: 2.5,
          highlights: [{ field: 'programName', fragments: ['<mark>Highway</mark> Planning'] }],
        },
        {
          resource: 'recipients',
          id: 3,
          division: 'DC',
          title: 'District Department of Transportation',
          score: 2.5,
          highlights: [],
        },
      ],
      nextCursor: null,
    });
  });

  it('pages by cursor: one extra hit means a next page, which starts after the first', async () => {
    searchResponse = () => ({ hits: { hits: [1, 2, 3].map((id) => hit('awards', id, 'DC')) } });

    const first = await index.search(DC_ANALYST, { q: 'highway', limit: 2 });
    expect(first.hits.map((h) => h.id)).toEqual([1, 2]);
    expect(first.nextCursor).not.toBeNull();
    expect(decodeSearchCursor(first.nextCursor ?? undefined)).toBe(2);

    await index.search(DC_ANALYST, { q: 'highway', limit: 2, cursor: first.nextCursor ?? '' });
    expect(seen[1]?.body.from).toBe(2);
    expect(seen[1]?.body.size).toBe(3);
  });

  it('refuses a malformed cursor with VALIDATION_FAILED before any request', async () => {
    const forged = Buffer.from(JSON.stringify({ v: 1, o: 100000 })).toString('base64url');
    for (const cursor of ['not a cursor', forged, encodeSearchCursor(1)?.slice(0, 5) ?? '']) {
      const error = await index.search(DC_ANALYST, { q: 'x', limit: 2, cursor }).catch((e) => e);
      expect(isAppError(error) && error.code).toBe('VALIDATION_FAILED');
    }
    expect(seen).toHaveLength(0);
  });

  it.each([
    [
      'a server error',
      () => new errors.ResponseError({ body: { error: 'boom' }, statusCode: 500 } as never),
    ],
    [
      'a rejected key',
      () => new errors.ResponseError({ body: { error: 'unauthorized' }, statusCode: 401 } as never),
    ],
    ['a timeout', () => new errors.TimeoutError('Request timed out')],
    ['a connection failure', () => new errors.ConnectionError('connect ECONNREFUSED')],
  ])('turns %s into STORE_UNAVAILABLE without the caller text', async (_name, failure) => {
    searchResponse = failure;

    const error = await index.search(DC_ANALYST, { q: 'secret words', limit: 5 }).catch((e) => e);

    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(error.details.retryAfterSeconds).toBe(5);
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(
      'secret words',
    );
  });

  it('authenticates with the API key from the secret source and rebuilds the client when its version changes', async () => {
    await index.search(DC_ANALYST, { q: 'one', limit: 1 });
    await index.search(DC_ANALYST, { q: 'two', limit: 1 });
    secrets.rotate('key-two', 'v2');
    await index.search(DC_ANALYST, { q: 'three', limit: 1 });

    expect(authorizations).toEqual(['ApiKey key-one', 'ApiKey key-one', 'ApiKey key-two']);
    expect(secrets.reads).toBe(3);
  });

  it('passes a secret source failure through as its own error, sending nothing', async () => {
    secrets.fail(new AppError('CRYPTO_KEY_UNAVAILABLE', 'Key Vault getSecret failed: HTTP 403'));

    const error = await index.search(DC_ANALYST, { q: 'x', limit: 1 }).catch((e) => e);

    expect(isAppError(error) && error.code).toBe('CRYPTO_KEY_UNAVAILABLE');
    expect(seen).toHaveLength(0);
  });

  it('creates each index with its explicit strict mapping', async () => {
    await index.ensureIndices();

    expect(seen.map((request) => [request.method, request.path, request.body])).toEqual([
      [
        'PUT',
        '/eds-awards',
        {
          mappings: {
            dynamic: 'strict',
            properties: {
              resource: { type: 'keyword' },
              id: { type: 'integer' },
              division: { type: 'keyword' },
              aln: { type: 'text', analyzer: 'english' },
              programName: { type: 'text', analyzer: 'english' },
              awardIdentification: { type: 'text', analyzer: 'english' },
              passthroughAwardIds: { type: 'text', analyzer: 'english' },
            },
          },
        },
      ],
      [
        'PUT',
        '/eds-recipients',
        {
          mappings: {
            dynamic: 'strict',
            properties: {
              resource: { type: 'keyword' },
              id: { type: 'integer' },
              division: { type: 'keyword' },
              name: { type: 'text', analyzer: 'english' },
              city: { type: 'text', analyzer: 'english' },
              uei: { type: 'text', analyzer: 'english' },
            },
          },
        },
      ],
    ]);
  });

  it('keeps an index that already exists', async () => {
    mock.clear({ method: 'PUT', path: '/:index' });
    mock.add({ method: 'PUT', path: '/:index' }, () => {
      const body = { error: { type: 'resource_already_exists_exception' }, status: 400 };
      return new errors.ResponseError({ body, statusCode: 400 } as never);
    });

    await expect(index.ensureIndices()).resolves.toBeUndefined();
  });

  it('stores metacharacters verbatim and writes documents by resource and id', async () => {
    const text = `O'Brien "Bridge" {x} title:* \\ % _ -- ; SELECT * FROM c WHERE c.id = '1'`;
    await index.index([
      { resource: 'awards', id: 12, division: 'DC', fields: { programName: text, aln: '20.205' } },
      { resource: 'recipients', id: 4, division: 'MD', fields: { name: text, uei: null } },
    ]);

    const bulk = seen.find((request) => request.path === '/_bulk');
    expect(bulk?.body).toEqual([
      { index: { _index: 'eds-awards', _id: '12' } },
      { resource: 'awards', id: 12, division: 'DC', programName: text, aln: '20.205' },
      { index: { _index: 'eds-recipients', _id: '4' } },
      { resource: 'recipients', id: 4, division: 'MD', name: text, uei: null },
    ]);
  });

  it('refuses a document carrying an undeclared field such as an EIN, sending nothing', async () => {
    const document = {
      resource: 'recipients',
      id: 4,
      division: 'DC' as const,
      fields: { ein: 'x' },
    };

    await expect(index.index([document])).rejects.toThrow(/not declared/);
    expect(seen).toHaveLength(0);
  });

  it('reports a bulk write with failed items as STORE_UNAVAILABLE', async () => {
    mock.clear({ method: 'POST', path: '/_bulk' });
    mock.add({ method: 'POST', path: '/_bulk' }, () => ({ errors: true, items: [] }));

    const document = { resource: 'awards', id: 1, division: 'DC' as const, fields: { aln: 'x' } };
    const error = await index.index([document]).catch((e) => e);

    expect(isAppError(error) && error.code).toBe('STORE_UNAVAILABLE');
  });

  it('removes documents by resource and id', async () => {
    await index.remove([{ resource: 'awards', id: 12 }]);

    const bulk = seen.find((request) => request.path === '/_bulk');
    expect(bulk?.body).toEqual([{ delete: { _index: 'eds-awards', _id: '12' } }]);
  });

  it('refuses a plain-http endpoint at construction', () => {
    const build = () =>
      createElasticsearchSearchIndex({
        node: 'http://localhost:9200',
        secrets,
        apiKeySecretName: 'eds-search-api-key',
        resources: TEST_RESOURCES,
      });
    expect(build).toThrow(/https/);
  });
});
