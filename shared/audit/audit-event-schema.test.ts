import { describe, expect, it } from 'vitest';

import { AuditEventSchema } from './audit-event-schema.js';
import { requestEvent } from './test-support/audit-fixtures.js';

const JWS =
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMiLCJyb2xlcyI6WyJFRFMuUmVhZGVyIl19.' +
  'dGhpcy1pcy1ub3QtYS1yZWFsLXNpZ25hdHVyZQ';

describe('AuditEventSchema', () => {
  it('accepts every declared request event field', () => {
    expect(AuditEventSchema.safeParse(requestEvent(1)).success).toBe(true);
  });

  it.each(['203.0.113.9', '2001:db8::1', 'unknown'])(
    'accepts %s as a client address',
    (address) => {
      const event = { ...requestEvent(1), clientAddress: address };
      expect(AuditEventSchema.safeParse(event).success).toBe(true);
    },
  );

  it.each([
    ['an unknown type', { ...requestEvent(1), type: 'http.other' }],
    ['a client address that is no address', { ...requestEvent(1), clientAddress: 'evil, 1.2.3.4' }],
    ['a client address with a zone', { ...requestEvent(1), clientAddress: 'fe80::1%LOGIN-HQ' }],
    ['an extra field', { ...requestEvent(1), body: '{}' }],
    ['a token in the route', { ...requestEvent(1), route: JWS }],
    ['a NUL character', { ...requestEvent(1), resource: 'awards/\u0000' }],
    ['a lone surrogate', { ...requestEvent(1), resource: 'awards/\ud800' }],
    ['an oversized reason', { ...requestEvent(1), type: 'auth.denied', reason: 'x'.repeat(201) }],
    [
      'a digest that is not hex',
      {
        type: 'data.change',
        actor: 'a',
        correlationId: 'c',
        outcome: 'success',
        resource: 'awards/1',
        action: 'update',
        afterDigest: 'not-a-digest',
      },
    ],
  ])('refuses an event with %s', (_case, event) => {
    expect(AuditEventSchema.safeParse(event).success).toBe(false);
  });

  it.each([
    ['token_like', JWS],
    ['malformed_text', 'awards/\u0000'],
  ])('names the rule a refused text broke: %s', (message, route) => {
    const result = AuditEventSchema.safeParse({ ...requestEvent(1), route });
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([message]);
  });
});
