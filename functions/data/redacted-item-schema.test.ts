import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { redactItem } from './redact-item.js';
import { redactedItemSchema } from './redacted-item-schema.js';

const Item = z.object({
  id: z.number().int(),
  city: z.string(),
  zip: z.string(),
  uei: z.string().nullable(),
  ein: z.string(),
  internalNote: z.string(),
});

const FIELDS = {
  id: 'PUBLIC',
  city: 'PUBLIC',
  zip: 'INTERNAL',
  uei: 'CONFIDENTIAL',
  ein: 'RESTRICTED',
} as const;

const full = { id: 7, city: 'Dover', zip: '19901', uei: null, ein: '*****6789', internalNote: 'x' };

describe('redactedItemSchema', () => {
  it('requires what every reader gets and leaves the rest optional, saying who gets it', () => {
    const schema = redactedItemSchema(Item, FIELDS, 'records:read');
    expect(Object.keys(schema.shape)).toEqual(['id', 'city', 'zip', 'uei', 'ein']);
    const document = z.toJSONSchema(schema, { io: 'output' });
    expect(document.required).toEqual(['id', 'city', 'zip']);
    const properties = document.properties ?? {};
    expect(properties['uei']).toMatchObject({
      'x-eds-classification': 'CONFIDENTIAL',
      description: 'CONFIDENTIAL: present only for callers with EDS.Analyst or EDS.Manager.',
    });
    expect(properties['ein']).toMatchObject({ 'x-eds-classification': 'RESTRICTED' });
    expect(JSON.stringify(properties['ein'])).toContain('masked');
    expect(properties['zip']).toMatchObject({ 'x-eds-classification': 'INTERNAL' });
  });

  it('describes exactly what redactItem answers, for the least and the most cleared reader', () => {
    const schema = redactedItemSchema(Item, FIELDS, 'records:read');
    const reader = redactItem(full, FIELDS, 'INTERNAL');
    const analyst = redactItem(full, FIELDS, 'CONFIDENTIAL');
    expect(schema.strict().safeParse(reader).success).toBe(true);
    expect(schema.strict().safeParse(analyst).success).toBe(true);
    // A field left out of the classification map is never answered, so never documented.
    expect(schema.strict().safeParse(full).success).toBe(false);
    const { zip: _zip, ...withoutZip } = reader;
    expect(schema.safeParse(withoutZip).success).toBe(false);
  });

  it('requires every field a writer’s clearance covers for the write operations', () => {
    const schema = redactedItemSchema(Item, FIELDS, 'records:write');
    expect(z.toJSONSchema(schema, { io: 'output' }).required).toEqual([
      'id',
      'city',
      'zip',
      'uei',
      'ein',
    ]);
  });

  it('builds one schema per item, permission and name, so operations share a component', () => {
    const first = redactedItemSchema(Item, FIELDS, 'records:read', 'Thing');
    expect(redactedItemSchema(Item, FIELDS, 'records:read', 'Thing')).toBe(first);
    expect(first.meta()?.id).toBe('Thing');
    expect(redactedItemSchema(Item, FIELDS, 'records:write')).not.toBe(first);
  });

  it('requires nothing of a permission no role that reads records holds', () => {
    const schema = redactedItemSchema(Item, FIELDS, 'audit:verify');
    expect(z.toJSONSchema(schema, { io: 'output' }).required ?? []).toEqual([]);
    expect(JSON.stringify(z.toJSONSchema(schema))).toContain('no caller of this operation');
  });
});
