import { describe, expect, it } from 'vitest';

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
