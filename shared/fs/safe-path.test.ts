import { describe, expect, it } from 'vitest';

import { resolveInside } from './safe-path.js';

const base = '/srv/eds/data';

describe('resolveInside', () => {
  it('returns a file under the base directory', () => {
    expect(resolveInside(base, 'outbox', 'mail-1.eml')).toBe('/srv/eds/data/outbox/mail-1.eml');
  });

  it('returns the base directory itself for no segments', () => {
    expect(resolveInside(base)).toBe('/srv/eds/data');
  });

  it('accepts a name that merely starts with two dots', () => {
    expect(resolveInside(base, '..notes')).toBe('/srv/eds/data/..notes');
  });

  it.each([
    ['a parent traversal', ['../secrets.json']],
    ['a traversal hidden after a folder', ['outbox', '..', '..', 'etc']],
    ['an absolute segment', ['/etc/passwd']],
    ['a sibling with the same prefix', ['../data-other/file']],
  ])('refuses %s', (_case, segments) => {
    expect(() => resolveInside(base, ...segments)).toThrow('Path escapes its base directory');
  });

  it('refuses a segment with a NUL byte', () => {
    expect(() => resolveInside(base, 'file\0.txt')).toThrow('NUL byte');
  });
});
