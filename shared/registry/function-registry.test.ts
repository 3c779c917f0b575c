import { describe, expect, it } from 'vitest';

import { addHttpFunction, listHttpFunctions } from './function-registry.js';

const base = {
  capability: 'test',
  route: 'v1/test',
  methods: ['GET'] as const,
  summary: 'test',
  handler: async () => ({}),
};

describe('function registry', () => {
  it('refuses a function that declares neither a permission nor public access', () => {
    expect(() =>
      addHttpFunction({ ...base, name: 'test-get-nothing', access: {} as never }),
    ).toThrow(/declares no permission/);
    expect(listHttpFunctions().some((fn) => fn.name === 'test-get-nothing')).toBe(false);
  });

  it('refuses a public flag that is not literally true', () => {
    expect(() =>
      addHttpFunction({ ...base, name: 'test-get-truthy', access: { public: 'yes' } as never }),
    ).toThrow();
  });

  it('refuses two functions with one name and names off the capability-verb-noun shape', () => {
    addHttpFunction({ ...base, name: 'test-get-once', access: { public: true } });
    expect(() =>
      addHttpFunction({ ...base, name: 'test-get-once', access: { public: true } }),
    ).toThrow(/twice/);
    expect(() => addHttpFunction({ ...base, name: 'GetThing', access: { public: true } })).toThrow(
      /capability/,
    );
  });
});
