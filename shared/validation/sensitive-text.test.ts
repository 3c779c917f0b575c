import { describe, expect, it } from 'vitest';

import { looksLikeTaxId, looksLikeToken } from './sensitive-text.js';

const JWS =
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMiLCJyb2xlcyI6WyJFRFMuUmVhZGVyIl19.' +
  'dGhpcy1pcy1ub3QtYS1yZWFsLXNpZ25hdHVyZQ';

describe('looksLikeToken', () => {
  it.each([
    ['a compact JWS', JWS],
    ['a JWS inside other text', `resource awards/1?t=${JWS}`],
    ['an unsigned JWT', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
    ['an Authorization header value', 'Bearer abc.def'],
    ['three long base64url segments', 'AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBB.CCCCCCCCCCCCCCCC'],
  ])('flags %s', (_case, text) => {
    expect(looksLikeToken(text)).toBe(true);
  });

  it.each([
    ['a dotted event name', 'auth.token_rejected.retry'],
    ['a route template', 'v1/awards/{id}'],
    ['a UUID', '3f0c2b7e-5a41-4d0e-9b1a-6c2d8e9f0a1b'],
    ['a SHA-256 digest', 'a'.repeat(64)],
    ['a key version', 'kek-0002'],
  ])('lets %s through', (_case, text) => {
    expect(looksLikeToken(text)).toBe(false);
  });
});

describe('looksLikeTaxId', () => {
  it.each([
    ['an EIN', 'Checking EIN 53-0196932 for the audit'],
    ['an EIN with a space', 'EIN 53 0196932'],
    ['nine plain digits', 'recipient 530196932'],
    ['an SSN', 'SSN 123-45-6789, then'],
    ['an SSN with spaces', '123 45 6789'],
    ['digits at both ends', '530196932'],
  ])('flags %s', (_case, text) => {
    expect(looksLikeTaxId(text)).toBe(true);
  });

  it.each([
    ['a ticket number', 'per ticket INC-20261204'],
    ['eight digits', 'case 12345678'],
    ['ten digits', 'phone 2025550123'],
    ['a date', 'review of 2026-12-04'],
    ['mixed separators', '123-45 6789'],
    ['a UUID', '3f0c2b7e-5a41-4d0e-9b1a-6c2d8e9f0a1b'],
  ])('lets %s through', (_case, text) => {
    expect(looksLikeTaxId(text)).toBe(false);
  });
});
