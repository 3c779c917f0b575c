import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { testPrincipal } from '../../shared/db/test-support/test-database.js';
import { createPostgresSearchIndex } from '../../shared/search/postgres-search-index.js';
import type {
  SearchDocument,
  SearchDocumentRef,
  SearchIndex,
} from '../../shared/search/search-index.js';
import { problemOf } from '../../test/support/response-body.js';
import { startTestHost, type TestHost } from '../../test/support/test-host.js';
import { ACCOUNT_FIELDS } from '../data/resources/accounts-resource.js';
import { AWARD_FIELDS } from '../data/resources/awards-resource.js';
import { CONTRACT_TRANSACTION_FIELDS } from '../data/resources/contract-transactions-resource.js';
import { CONTRACT_FIELDS } from '../data/resources/contracts-resource.js';
import { EXPENDITURE_FIELDS } from '../data/resources/expenditures-resource.js';
import { RECIPIENT_FIELDS } from '../data/resources/recipients-resource.js';
import { VENDOR_FIELDS } from '../data/resources/vendors-resource.js';
import { SEARCH_INDEX_QUEUE } from './index-records-message.js';
import { indexRecords } from './operations/index-records.js';
import { SEARCH_RESOURCES } from './search-resources.js';

const Hit = z.looseObject({
  resource: z.string(),
  id: z.number(),
  division: z.string(),
  title: z.string().nullable(),
  highlights: z.array(z.object({ field: z.string(), fragments: z.array(z.string()) })),
});
type Hit = z.infer<typeof Hit>;
const SearchPage = z.looseObject({ hits: z.array(Hit), nextCursor: z.string().nullable() });

/** A search index that records what it is asked to write. Test double. */
function recordingIndex(): SearchIndex & {
  written: SearchDocument[];
  removed: SearchDocumentRef[];
} {
  const written: SearchDocument[] = [];
  const removed: SearchDocumentRef[] = [];
  return {
    written,
    removed,
    search: () => Promise.resolve({ hits: [], nextCursor: null }),
    index: (documents) => {
      written.push(...documents);
      return Promise.resolve();
    },
    remove: (refs) => {
      removed.push(...refs);
      return Promise.resolve();
    },
  };
}

// Text full of SQL, Cosmos SQL, Lucene and Elasticsearch syntax, stored in a vendor's name.
const METACHARACTER_NAME =
  `Zyxquartz <b>O'Brien</b> "Paving" {x} ` + `title:* \\ % _ -- ; SELECT * FROM c`;

describe('GET /api/v1/search on the local default', () => {
  let t: TestHost;
  let dcAnalyst: string;
  let everywhereAnalyst: string;
  let vendorId: number;

  beforeAll(async () => {
    t = await startTestHost();
    dcAnalyst = await t.token(['EDS.Analyst'], ['DC']);
    everywhereAnalyst = await t.token(['EDS.Analyst'], ['DC', 'MD', 'VA', 'CA', 'NY', 'TX', 'PA']);
    const inserted = await t.host.services.db.unsafeWithoutScope((db) =>
      sql<{ id: number }>`
        INSERT INTO vendors (division, duns, name, state, business_categories,
          usaspending_recipient_hash)
        VALUES ('DC', '999999999', ${METACHARACTER_NAME}, 'DC', ARRAY['small_business'],
          '00000000-0000-4000-8000-000000000001')
        RETURNING id`.execute(db),
    );
    vendorId = inserted.rows[0]?.id ?? 0;
  });
  afterAll(() => t.close());

  async function search(token: string, query: string) {
    return t.request('GET', `/api/v1/search?${query}`, { token });
  }

  async function hitsOf(token: string, q: string, extra = ''): Promise<Hit[]> {
    const response = await search(token, `q=${encodeURIComponent(q)}&limit=50${extra}`);
    expect(response.status).toBe(200);
    return SearchPage.parse(response.body).hits;
  }

  it('returns only DC hits to a DC analyst for a word found in several divisions', async () => {
    const everywhere = await hitsOf(everywhereAnalyst, 'highway');
    expect(everywhere.some((hit) => hit.division !== 'DC')).toBe(true);

    const dc = await hitsOf(dcAnalyst, 'highway');
    expect(dc.length).toBeGreaterThan(0);
    expect(dc.every((hit) => hit.division === 'DC')).toBe(true);
  });

  it.each([
    ['EDS.Reader', 403],
    ['EDS.PiiReader', 403],
    ['EDS.ComplianceOfficer', 403],
    ['EDS.Analyst', 200],
    ['EDS.Manager', 200],
  ])('answers %s with %i', async (role, status) => {
    const token = await t.token([role], ['DC']);
    const response = await search(token, 'q=highway');
    expect(response.status).toBe(status);
    if (status === 403) expect(problemOf(response).code).toBe('AUTH_FORBIDDEN');
  });

  it('answers a caller without a token with 401', async () => {
    const response = await t.request('GET', '/api/v1/search?q=highway');
    expect(response.status).toBe(401);
  });

  it.each([
    ["' OR 1=1 --", '1'],
    ['title:*', 'title'],
    ['@x', 'x'],
    ['highway%', 'highway'],
    ['highway_', 'highway'],
    ['"highway" OR division:MD', 'highway division MD'],
    ['%', ''],
    ['_', ''],
    ['\\', ''],
    ['*', ''],
  ])('reads %j as the plain words %j: no extra rows, no error', async (q, words) => {
    const hits = await hitsOf(dcAnalyst, q);
    const expected = words === '' ? [] : await hitsOf(dcAnalyst, words);
    expect(hits.map((hit) => `${hit.resource}/${hit.id}`)).toEqual(
      expected.map((hit) => `${hit.resource}/${hit.id}`),
    );
    expect(hits.every((hit) => hit.division === 'DC')).toBe(true);
  });

  it('finds text stored with metacharacters verbatim and highlights it escaped', async () => {
    const hits = await hitsOf(dcAnalyst, `O'Brien "Paving" title:*`, '&resources=vendors');

    expect(hits.map((hit) => hit.id)).toEqual([vendorId]);
    expect(hits[0]?.title).toBe(METACHARACTER_NAME);
    const fragment = hits[0]?.highlights.find((h) => h.field === 'name')?.fragments.join(' ');
    expect(fragment).toContain('<mark>Paving</mark>');
    expect(fragment).toContain('&lt;b&gt;');
    expect(fragment).not.toContain('<b>');
  });

  it('never returns an EIN or a masked value, and highlights only catalogue fields', async () => {
    for (const q of ['county', 'city', 'university', 'department']) {
      const response = await search(dcAnalyst, `q=${q}&limit=50&resources=recipients`);
      expect(response.status).toBe(200);
      expect(response.text).not.toMatch(/"ein|ein_|\*{5}\d{4}/i);
      for (const hit of SearchPage.parse(response.body).hits) {
        const resource = SEARCH_RESOURCES.find((entry) => entry.name === hit.resource);
        const names: string[] = resource?.fields.map((field) => field.name) ?? [];
        expect(hit.highlights.every((h) => names.includes(h.field))).toBe(true);
      }
    }
  });

  it('matches and highlights a CONFIDENTIAL field for an analyst, not for a reader', async () => {
    const uei = await t.host.services.db.unsafeWithoutScope(async (db) => {
      const rows = await sql<{ uei: string }>`
        SELECT uei FROM recipients WHERE division = 'DC' AND uei IS NOT NULL LIMIT 1`.execute(db);
      return rows.rows[0]?.uei ?? '';
    });
    const index = createPostgresSearchIndex({
      db: t.host.services.db,
      resources: SEARCH_RESOURCES,
    });
    const query = { q: uei, resources: ['recipients'], limit: 5 };

    const analyst = await index.search(testPrincipal(['EDS.Analyst'], ['DC']), query);
    expect(analyst.hits.length).toBeGreaterThan(0);
    expect(analyst.hits[0]?.highlights.map((h) => h.field)).toEqual(['uei']);

    const reader = await index.search(testPrincipal(['EDS.Reader'], ['DC']), query);
    expect(reader.hits).toEqual([]);
    const nobody = await index.search(testPrincipal(['EDS.Analyst'], []), query);
    expect(nobody).toEqual({ hits: [], nextCursor: null });
  });

  it('limits hits to the resources asked for', async () => {
    const hits = await hitsOf(everywhereAnalyst, 'highway', '&resources=accounts,awards');
    expect(hits.length).toBeGreaterThan(0);
    expect(new Set(hits.map((hit) => hit.resource))).toEqual(new Set(['accounts', 'awards']));
  });

  it('pages with the cursor without repeating a hit', async () => {
    const first = await search(everywhereAnalyst, 'q=highway&limit=3');
    const firstPage = SearchPage.parse(first.body);
    expect(firstPage.hits).toHaveLength(3);
    expect(firstPage.nextCursor).toEqual(expect.any(String));
    const second = await search(
      everywhereAnalyst,
      `q=highway&limit=3&cursor=${firstPage.nextCursor ?? ''}`,
    );
    const key = (hit: Hit) => `${hit.resource}/${hit.id}`;
    const seen = new Set(firstPage.hits.map(key));
    expect(SearchPage.parse(second.body).hits.some((hit) => seen.has(key(hit)))).toBe(false);
  });

  it('takes a cursor back only in the search that made it', async () => {
    const first = SearchPage.parse((await search(everywhereAnalyst, 'q=highway&limit=3')).body);
    const cursor = encodeURIComponent(first.nextCursor ?? '');
    for (const other of ['q=bridge', 'q=highway&resources=awards']) {
      const response = await search(everywhereAnalyst, `${other}&limit=3&cursor=${cursor}`);
      expect(response.status).toBe(400);
      expect(problemOf(response).errors).toEqual([
        { location: 'query', path: 'cursor', rule: 'invalid_cursor' },
      ]);
    }
    const resized = await search(everywhereAnalyst, `q=highway&limit=5&cursor=${cursor}`);
    expect(resized.status).toBe(200);
  });

  it.each([
    ['a missing q', 'limit=5', 'q'],
    ['a blank q', 'q=%20%20', 'q'],
    ['a q over 200 characters', `q=${'a'.repeat(201)}`, 'q'],
    ['a q with a NUL', 'q=high%00way', 'q'],
    ['an unknown resource', 'q=highway&resources=awards,ein', 'resources'],
    ['an unknown parameter', 'q=highway&division=MD', ''],
    ['a limit of 0', 'q=highway&limit=0', 'limit'],
    ['a limit of 51', 'q=highway&limit=51', 'limit'],
    ['a limit with a leading zero', 'q=highway&limit=05', 'limit'],
    ['a forged cursor', 'q=highway&cursor=eyJ2IjoxLCJvIjo5OTk5OX0', 'cursor'],
  ])('refuses %s with a problem+json 400', async (_name, query, path) => {
    const response = await search(dcAnalyst, query);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(problemOf(response).code).toBe('VALIDATION_FAILED');
    if (path !== '') {
      const paths = problemOf(response).errors?.map((issue) => issue.path) ?? [];
      expect(paths.some((name) => name === path || name.startsWith(`${path}.`))).toBe(true);
    }
    expect(response.text).not.toContain('aaaaaaaaaa');
  });
});

describe('search index queue on the local default', () => {
  let t: TestHost;

  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(() => t.close());

  it('reads the named records for the index without any RESTRICTED column', async () => {
    const index = recordingIndex();
    const ids = await t.host.services.db.unsafeWithoutScope(async (db) => {
      const rows = await sql<{ id: number }>`SELECT id FROM recipients ORDER BY id LIMIT 3`.execute(
        db,
      );
      return rows.rows.map((row) => row.id);
    });

    const result = await indexRecords(
      { db: t.host.services.db, index },
      { resource: 'recipients', ids: [...ids, 2147483000] },
    );

    expect(result).toEqual({ indexed: 3, removed: 1 });
    expect(index.written.map((doc) => doc.id)).toEqual(ids);
    for (const doc of index.written) {
      expect(Object.keys(doc.fields).sort()).toEqual(['city', 'name', 'uei']);
    }
    expect(JSON.stringify(index.written)).not.toMatch(/ein|"v":1/i);
    expect(index.removed).toEqual([{ resource: 'recipients', id: 2147483000 }]);
  });

  it('handles a queued message on the local Postgres index, whose write is a no-op', async () => {
    await t.host.services.queue.send(
      SEARCH_INDEX_QUEUE,
      { resource: 'awards', ids: [1, 2] },
      {
        messageId: 'search-index-ok',
      },
    );
    await t.host.services.queue.drain();
    expect(t.host.services.queue.deadLetters()).toEqual([]);
  });

  it('dead-letters a malformed message instead of applying it', async () => {
    const message = { resource: 'recipients', ids: [1], fields: ['ein'] };
    await t.host.services.queue.send(SEARCH_INDEX_QUEUE, message, { messageId: 'search-bad' });
    await t.host.services.queue.drain();
    expect(t.host.services.queue.deadLetters().map((dead) => dead.messageId)).toEqual([
      'search-bad',
    ]);
  });

  it('declares each table generated search vector as exactly the catalogue columns', async () => {
    for (const resource of SEARCH_RESOURCES) {
      const columns = sql.join(resource.fields.map((field) => sql.ref(field.column)));
      const mismatches = await t.host.services.db.unsafeWithoutScope(async (db) => {
        const result = await sql<{ n: number }>`
          SELECT count(*)::integer AS n FROM ${sql.table(resource.table)}
          WHERE search IS DISTINCT FROM
            to_tsvector('english'::regconfig, concat_ws(' ', ${columns}))`.execute(db);
        return result.rows[0]?.n;
      });
      expect({ resource: resource.name, mismatches }).toEqual({
        resource: resource.name,
        mismatches: 0,
      });
    }
  });
});

describe('search catalogue', () => {
  const DATA_FIELDS: Record<string, Readonly<Record<string, string>>> = {
    awards: AWARD_FIELDS,
    expenditures: EXPENDITURE_FIELDS,
    recipients: RECIPIENT_FIELDS,
    vendors: VENDOR_FIELDS,
    contracts: CONTRACT_FIELDS,
    'contract-transactions': CONTRACT_TRANSACTION_FIELDS,
    accounts: ACCOUNT_FIELDS,
  };

  it('classifies every field as the data capability does, and indexes nothing RESTRICTED', () => {
    for (const resource of SEARCH_RESOURCES) {
      for (const field of resource.fields) {
        expect([resource.name, field.name, DATA_FIELDS[resource.name]?.[field.name]]).toEqual([
          resource.name,
          field.name,
          field.classification,
        ]);
      }
      expect(resource.fields.map((f) => f.classification as string)).not.toContain('RESTRICTED');
    }
  });
});
