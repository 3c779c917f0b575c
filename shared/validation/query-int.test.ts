import { describe, expect, it } from 'vitest';

import { queryInt, queryIntWithDefault } from './query-int.js';

describe('queryInt', () => {
  const id = queryInt(1, 2147483647);

  it.each([
    ['1', 1],
    ['7', 7],
    ['2147483647', 2147483647],
  ])('reads %s as %d', (text, value) => {
    expect(id.parse(text)).toBe(value);
  });

  it.each([
    ['a leading zero', '07'],
    ['zeros only', '000'],
    ['a plus sign', '+7'],
    ['a minus sign', '-7'],
    ['a decimal point', '7.0'],
    ['an exponent', '7e0'],
    ['a space', ' 7'],
    ['nothing', ''],
    ['eleven digits', '10000000000'],
    ['a number over the bound', '2147483648'],
    ['zero under a bound of 1', '0'],
  ])('refuses %s', (_label, text) => {
    expect(id.safeParse(text).success).toBe(false);
  });

  it('takes 0 where the bound allows it', () => {
    expect(queryInt(0, 4).parse('0')).toBe(0);
  });
});

describe('queryIntWithDefault', () => {
  const limit = queryIntWithDefault(1, 50, 20);

  it('reads an absent parameter as its default, and a given one as written', () => {
    expect(limit.parse(undefined)).toBe(20);
    expect(limit.parse('5')).toBe(5);
  });

  it('refuses what queryInt refuses', () => {
    for (const text of ['05', '0', '51', '+5']) expect(limit.safeParse(text).success).toBe(false);
  });
});
