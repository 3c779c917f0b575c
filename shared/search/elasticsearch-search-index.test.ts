import { describe, expect, it } from 'vitest';

import { testPrincipal } from '../db/test-support/test-database.js';
import { AppError, isAppError } from '../errors/app-error.js';
import { decodeSearchCursor, encodeSearchCursor } from './search-cursor.js';
import {
  errors,
  hit,
  searchBodyOf,
  useMockedSearchIndex,
} from './test-support/mocked-search-index.js';

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

describe('Elasticsearch search index: searching', () => {
  const es = useMockedSearchIndex();

  it('sends the division filter, the text in multi_match only, every readable field', async () => {
    await es.index.search(DC_MD_ANALYST, { q: 'highway planning', limit: 10 });

    expect(es.seen).toHaveLength(1);
    expect(es.seen[0]?.method).toBe('POST');
    expect(es.seen[0]?.path).toBe('/eds-awards,eds-recipients/_search');
    expect(es.seen[0]?.querystring).toEqual({ allow_partial_search_results: 'false' });
    expect(es.seen[0]?.body).toEqual(
      expectedSearchBody('highway planning', ['DC', 'MD'], {
        awards: ANALYST_AWARD_FIELDS,
        recipients: ANALYST_RECIPIENT_FIELDS,
      }),
    );
  });

  it('matches and highlights only fields within a reader clearance', async () => {
    await es.index.search(DC_READER, { q: 'highway', limit: 10 });

    expect(es.seen[0]?.body).toEqual(
      expectedSearchBody('highway', ['DC'], {
        awards: ['aln', 'programName', 'awardIdentification'],
        recipients: ['name', 'city'],
      }),
    );
  });

  it('searches only the resources asked for', async () => {
    await es.index.search(DC_ANALYST, { q: 'highway', resources: ['recipients'], limit: 5 });

    expect(es.seen[0]?.path).toBe('/eds-recipients/_search');
    expect(searchBodyOf(es.seen[0]).query.bool.should).toHaveLength(1);
    expect(searchBodyOf(es.seen[0])._source).toEqual(['resource', 'id', 'division', 'name']);
  });

  it('sends no request and reads no key for a caller without divisions', async () => {
    const page = await es.index.search(NO_DIVISIONS, { q: 'highway', limit: 10 });

    expect(page).toEqual({ hits: [], nextCursor: null });
    expect(es.seen).toHaveLength(0);
    expect(es.secrets.reads).toBe(0);
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
    await es.index.search(DC_ANALYST, { q, limit: 10 });

    const body = es.seen[0]?.body;
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

  it('drops highlights of unreadable fields and hits of other divisions', async () => {
    es.respondToSearch(() => ({
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
    }));

    const page = await es.index.search(DC_READER, { q: 'highway', limit: 10 });

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
    es.respondToSearch(() => ({ hits: { hits: [1, 2, 3].map((id) => hit('awards', id, 'DC')) } }));

    const first = await es.index.search(DC_ANALYST, { q: 'highway', limit: 2 });
    expect(first.hits.map((h) => h.id)).toEqual([1, 2]);
    expect(first.nextCursor).not.toBeNull();
    const next = first.nextCursor ?? undefined;
    expect(decodeSearchCursor({ q: 'highway', limit: 5, cursor: next })).toBe(2);

    await es.index.search(DC_ANALYST, { q: 'highway', limit: 2, cursor: first.nextCursor ?? '' });
    expect(searchBodyOf(es.seen[1]).from).toBe(2);
    expect(searchBodyOf(es.seen[1]).size).toBe(3);
  });

  it('refuses a malformed cursor with VALIDATION_FAILED before any request', async () => {
    const forged = Buffer.from(JSON.stringify({ v: 1, o: 100000 })).toString('base64url');
    const unbound = Buffer.from(JSON.stringify({ v: 1, o: 2 })).toString('base64url');
    const otherWords = encodeSearchCursor(2, { q: 'bridge' }) ?? '';
    const cut = encodeSearchCursor(1, { q: 'x' })?.slice(0, 5) ?? '';
    for (const cursor of ['not a cursor', forged, unbound, otherWords, cut]) {
      const error = await es.index.search(DC_ANALYST, { q: 'x', limit: 2, cursor }).catch((e) => e);
      expect(isAppError(error) && error.code).toBe('VALIDATION_FAILED');
    }
    expect(es.seen).toHaveLength(0);
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
    es.respondToSearch(failure);

    const error = await es.index
      .search(DC_ANALYST, { q: 'secret words', limit: 5 })
      .catch((e) => e);

    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(error.details.retryAfterSeconds).toBe(5);
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(
      'secret words',
    );
  });

  it('authenticates with the secret API key, rebuilding the client on a new version', async () => {
    await es.index.search(DC_ANALYST, { q: 'one', limit: 1 });
    await es.index.search(DC_ANALYST, { q: 'two', limit: 1 });
    es.secrets.rotate('key-two', 'v2');
    await es.index.search(DC_ANALYST, { q: 'three', limit: 1 });

    expect(es.authorizations).toEqual(['ApiKey key-one', 'ApiKey key-one', 'ApiKey key-two']);
    expect(es.secrets.reads).toBe(3);
  });

  it('passes a secret source failure through as its own error, sending nothing', async () => {
    es.secrets.fail(new AppError('CRYPTO_KEY_UNAVAILABLE', 'Key Vault getSecret failed: HTTP 403'));

    const error = await es.index.search(DC_ANALYST, { q: 'x', limit: 1 }).catch((e) => e);

    expect(isAppError(error) && error.code).toBe('CRYPTO_KEY_UNAVAILABLE');
    expect(es.seen).toHaveLength(0);
  });
});
