import { describe, expect, it } from 'vitest';

import { isAppError } from '../errors/app-error.js';
import { createElasticsearchSearchIndex } from './elasticsearch-search-index.js';
import { errors, useMockedSearchIndex } from './test-support/mocked-search-index.js';
import { TEST_RESOURCES } from './test-support/search-fixtures.js';

describe('Elasticsearch search index: indices and documents', () => {
  const es = useMockedSearchIndex();

  it('creates each index with its explicit strict mapping', async () => {
    await es.index.ensureIndices();

    expect(es.seen.map((request) => [request.method, request.path, request.body])).toEqual([
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
    es.mock.clear({ method: 'PUT', path: '/:index' });
    es.mock.add({ method: 'PUT', path: '/:index' }, () => {
      const body = { error: { type: 'resource_already_exists_exception' }, status: 400 };
      return new errors.ResponseError({ body, statusCode: 400 } as never);
    });

    await expect(es.index.ensureIndices()).resolves.toBeUndefined();
  });

  it('stores metacharacters verbatim and writes documents by resource and id', async () => {
    const text = `O'Brien "Bridge" {x} title:* \\ % _ -- ; SELECT * FROM c WHERE c.id = '1'`;
    await es.index.index([
      { resource: 'awards', id: 12, division: 'DC', fields: { programName: text, aln: '20.205' } },
      { resource: 'recipients', id: 4, division: 'MD', fields: { name: text, uei: null } },
    ]);

    const bulk = es.seen.find((request) => request.path === '/_bulk');
    expect(bulk?.body).toEqual([
      { index: { _index: 'eds-awards', _id: '12' } },
      { resource: 'awards', id: 12, division: 'DC', programName: text, aln: '20.205' },
      { index: { _index: 'eds-recipients', _id: '4' } },
      { resource: 'recipients', id: 4, division: 'MD', name: text, uei: null },
    ]);
  });

  it('refuses a document with an undeclared field (an EIN), sending nothing', async () => {
    const document = {
      resource: 'recipients',
      id: 4,
      division: 'DC' as const,
      fields: { ein: 'x' },
    };

    await expect(es.index.index([document])).rejects.toThrow(/not declared/);
    expect(es.seen).toHaveLength(0);
  });

  it('reports a bulk write with failed items as STORE_UNAVAILABLE', async () => {
    es.mock.clear({ method: 'POST', path: '/_bulk' });
    es.mock.add({ method: 'POST', path: '/_bulk' }, () => ({ errors: true, items: [] }));

    const document = { resource: 'awards', id: 1, division: 'DC' as const, fields: { aln: 'x' } };
    const error = await es.index.index([document]).catch((e) => e);

    expect(isAppError(error) && error.code).toBe('STORE_UNAVAILABLE');
  });

  it('removes documents by resource and id', async () => {
    await es.index.remove([{ resource: 'awards', id: 12 }]);

    const bulk = es.seen.find((request) => request.path === '/_bulk');
    expect(bulk?.body).toEqual([{ delete: { _index: 'eds-awards', _id: '12' } }]);
  });

  it('refuses a plain-http endpoint at construction', () => {
    const build = () =>
      createElasticsearchSearchIndex({
        node: 'http://localhost:9200',
        secrets: es.secrets,
        apiKeySecretName: 'eds-search-api-key',
        resources: TEST_RESOURCES,
      });
    expect(build).toThrow(/https/);
  });
});
