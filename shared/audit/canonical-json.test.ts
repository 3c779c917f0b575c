import { describe, expect, it } from 'vitest';

import { computeAuditHash, GENESIS_HASH } from './audit-hash.js';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('gives the same text for the same members in any insertion order', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('omits undefined members and escapes strings as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 'q"\n\u2028' })).toBe('{"b":"q\\"\\n\u2028"}');
  });

  it.each([
    ['a non-finite number', Number.NaN],
    ['a bigint', 1n],
    ['a date object', new Date(0)],
    ['an undefined array item', [undefined]],
  ])('refuses %s rather than hashing an ambiguous form', (_case, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});

describe('computeAuditHash', () => {
  it('hashes the pinned v1 link form (a changed hash here breaks every stored trail)', () => {
    const hash = computeAuditHash({
      seq: 1,
      occurredAt: '2026-12-04T12:00:00.000Z',
      prevHash: GENESIS_HASH,
      event: {
        type: 'security.event',
        name: 'n',
        actor: 'a',
        correlationId: 'c',
        outcome: 'success',
      },
    });
    expect(hash).toBe('4fe3e48cd81b94ff7a85ce6d12032a89052faba3f9026438a3629ccbc1c49c3a');
  });
});
