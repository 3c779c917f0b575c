import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { listHttpFunctions } from '../registry/function-registry.js';
import { defineHttpFunction } from './define-http-function.js';

const base = {
  capability: 'test',
  route: 'v1/test-headers',
  methods: ['POST'] as const,
  access: { public: true },
  summary: 'test',
  handler: async () => ({}),
} as const;

describe('defineHttpFunction', () => {
  it('refuses at cold start a documented request header the pipeline never passes on', () => {
    const requestHeaders = z.object({ 'If-Match': z.string(), 'X-Tenant': z.string() });
    expect(() => defineHttpFunction({ ...base, name: 'test-post-tenant', requestHeaders })).toThrow(
      /cannot read: X-Tenant$/,
    );
    expect(listHttpFunctions().some((fn) => fn.name === 'test-post-tenant')).toBe(false);
  });

  it('accepts documented headers an operation can read, in any case', () => {
    const requestHeaders = z.object({ 'if-match': z.string(), 'Idempotency-Key': z.string() });
    defineHttpFunction({ ...base, name: 'test-post-conditional', requestHeaders });
    expect(listHttpFunctions().some((fn) => fn.name === 'test-post-conditional')).toBe(true);
  });
});
