import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { DATA_RESOURCES } from '../../functions/data/test-support/data-resources.js';
import { DEFAULT_PAGE_SIZE } from '../../functions/data/list-query-schema.js';
import { DEFAULT_SEARCH_LIMIT } from '../../functions/search/search-records-query.js';
import { SEARCH_RESOURCES } from '../../functions/search/search-resources.js';
import type { Classification } from '../../shared/auth/roles.js';
import { startTestHost, type TestHost } from '../support/test-host.js';

const RESOURCES = DATA_RESOURCES;

function resourceNamed(noun: string): (typeof RESOURCES)[number] {
  const found = RESOURCES.find((resource) => resource.noun === noun);
  if (found === undefined) throw new Error(`no resource ${noun}`);
  return found;
}

const ObjectSchema = z.looseObject({
  properties: z.record(
    z.string(),
    z.looseObject({ 'x-eds-classification': z.string(), description: z.string().optional() }),
  ),
  required: z.array(z.string()).optional(),
});

const Served = z.looseObject({
  components: z.looseObject({ schemas: z.record(z.string(), z.unknown()) }),
  paths: z.record(
    z.string(),
    z.record(
      z.string(),
      z.looseObject({
        responses: z.record(
          z.string(),
          z.looseObject({
            content: z.record(z.string(), z.looseObject({ schema: z.unknown() })).optional(),
          }),
        ),
      }),
    ),
  ),
});
type Served = z.infer<typeof Served>;

/** Fields of this classification that every caller of a read operation gets. */
const readByEveryReader = (level: Classification) => level === 'PUBLIC' || level === 'INTERNAL';

describe('record fields in the OpenAPI document', () => {
  let t: TestHost;
  let served: Served;

  beforeAll(async () => {
    t = await startTestHost({ skipSeed: true });
    served = Served.parse((await t.request('GET', '/api/v1/openapi.json')).body);
  });
  afterAll(() => t.close());

  function successSchema(path: string, method: string, status: string): unknown {
    const content = served.paths[path]?.[method]?.responses[status]?.content;
    return content?.['application/json']?.schema;
  }

  function component(name: string): z.infer<typeof ObjectSchema> {
    return ObjectSchema.parse(served.components.schemas[name]);
  }

  it.each(RESOURCES.map((resource) => [resource.noun, resource] as const))(
    'gives each %s field its classification, required when every reader gets it',
    (noun, resource) => {
      const item = component(resource.itemId);
      const classified = Object.fromEntries(
        Object.entries(item.properties).map(([key, field]) => [key, field['x-eds-classification']]),
      );
      expect(classified).toEqual(resource.fields);
      const levels = Object.entries(resource.fields);
      const always = levels.filter(([, level]) => readByEveryReader(level)).map(([key]) => key);
      expect([...(item.required ?? [])].sort()).toEqual([...always].sort());
      expect(always).toContain('id');
      for (const [key, level] of levels.filter(([, l]) => !readByEveryReader(l))) {
        expect(item.properties[key]?.description, `${noun}.${key}`).toContain(level);
      }
      const ref = { $ref: `#/components/schemas/${resource.itemId}` };
      expect(successSchema(`/v1/${noun}/{id}`, 'get', '200')).toEqual(ref);
      const page = ObjectSchema.omit({ properties: true })
        .extend({ properties: z.looseObject({ items: z.looseObject({ items: z.unknown() }) }) })
        .parse(served.components.schemas[`${resource.itemId}Page`]);
      expect(page.properties.items.items).toEqual(ref);
    },
  );

  it('says a RESTRICTED field comes masked, and that the unmask answers it in clear', () => {
    const ein = component('Recipient').properties['ein'];
    expect(ein?.['x-eds-classification']).toBe('RESTRICTED');
    expect(ein?.description).toMatch(/masked.*EDS\.Analyst or EDS\.Manager.*unmask/);
    const unmasked = component('UnmaskedRecipient');
    expect(unmasked.required).toEqual(['id', 'ein']);
    expect(unmasked.properties['ein']?.['x-eds-classification']).toBe('RESTRICTED');
    expect(unmasked.properties['id']?.['x-eds-classification']).toBe('PUBLIC');
  });

  it('requires every field of a written record, as only a Manager (CONFIDENTIAL) writes', () => {
    const writes = [
      ['/v1/vendors', 'post', '201', 'vendors'],
      ['/v1/vendors/{id}', 'patch', '200', 'vendors'],
      ['/v1/obligations', 'post', '201', 'contract-transactions'],
      ['/v1/obligations/{id}', 'patch', '200', 'contract-transactions'],
    ] as const;
    for (const [path, method, status, noun] of writes) {
      const written = ObjectSchema.parse(successSchema(path, method, status));
      expect([...(written.required ?? [])].sort(), path).toEqual(
        Object.keys(resourceNamed(noun).fields).sort(),
      );
    }
  });

  it('classifies search hits as the records they come from are classified', () => {
    const Field = z.looseObject({ 'x-eds-classification': z.string().optional() });
    const hit = z
      .looseObject({ properties: z.record(z.string(), Field) })
      .parse(served.components.schemas['SearchHit']);
    const levels = Object.fromEntries(
      Object.entries(hit.properties).map(([key, field]) => [key, field['x-eds-classification']]),
    );
    // Every resource's title field, as the data capability classifies that field.
    const titleLevels = new Set(
      SEARCH_RESOURCES.map((search) => {
        const fields: Readonly<Record<string, Classification>> = resourceNamed(search.name).fields;
        return fields[search.titleField];
      }),
    );
    expect([...titleLevels]).toEqual(['PUBLIC']);
    expect(levels).toMatchObject({
      resource: 'PUBLIC',
      id: 'PUBLIC',
      division: 'PUBLIC',
      title: 'PUBLIC',
    });
    const highlight = z
      .looseObject({
        items: z.looseObject({
          properties: z.looseObject({
            fragments: z.looseObject({
              'x-eds-classification': z.string(),
              description: z.string(),
            }),
          }),
        }),
      })
      .parse(hit.properties['highlights']);
    const fragments = highlight.items.properties.fragments;
    expect(fragments['x-eds-classification']).toBe('CONFIDENTIAL');
    expect(fragments.description).toContain("at most the caller's clearance");
  });

  it('marks the list parameters that need CONFIDENTIAL clearance, and gives number ranges', () => {
    const Parameter = z.looseObject({
      name: z.string(),
      description: z.string().optional(),
      schema: z.looseObject({ 'x-eds-clearance': z.string().optional() }),
    });
    const Operation = z.looseObject({ parameters: z.array(Parameter) });
    const parametersOf = (path: string) =>
      Operation.parse(served.paths[path]?.['get']).parameters.map((p) => ({
        name: p.name,
        clearance: p.schema['x-eds-clearance'],
        description: p.description,
      }));
    const vendors = parametersOf('/v1/vendors');
    const cleared = vendors.filter((p) => p.clearance === 'CONFIDENTIAL').map((p) => p.name);
    expect(cleared.sort()).toEqual(['businessCategory', 'q']);
    const expenditures = parametersOf('/v1/expenditures');
    expect(
      expenditures
        .filter((p) => p.clearance !== undefined)
        .map((p) => p.name)
        .sort(),
    ).toEqual(['hasFindings', 'q']);
    expect(vendors.find((p) => p.name === 'limit')?.description).toBe(
      'A whole number from 1 to 200',
    );
  });

  it('documents the page size a list or search applies without `limit`, typed as sent', () => {
    const Limit = z.looseObject({
      name: z.literal('limit'),
      schema: z.looseObject({ type: z.string(), default: z.unknown() }),
    });
    const limitOf = (path: string) =>
      z
        .looseObject({ parameters: z.array(z.looseObject({ name: z.string() })) })
        .parse(served.paths[path]?.['get'])
        .parameters.filter((p) => p.name === 'limit')
        .map((p) => Limit.parse(p).schema);
    for (const resource of RESOURCES) {
      expect(limitOf(`/v1/${resource.noun}`), resource.noun).toEqual([
        expect.objectContaining({ type: 'string', default: String(DEFAULT_PAGE_SIZE) }),
      ]);
    }
    expect(limitOf('/v1/search')).toEqual([
      expect.objectContaining({ type: 'string', default: String(DEFAULT_SEARCH_LIMIT) }),
    ]);
  });
});
