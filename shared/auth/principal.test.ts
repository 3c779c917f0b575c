import { describe, expect, it } from 'vitest';

import type { Division } from './divisions.js';
import { createVerifiedPrincipal, type PrincipalInit } from './principal.js';
import { clearanceOf, permissionsOf } from './roles.js';

function init(divisions: readonly string[]): PrincipalInit {
  const roles = ['EDS.Analyst'] as const;
  return {
    id: 'principal-test',
    tenantId: 'tenant-test',
    kind: 'user',
    roles,
    permissions: permissionsOf(roles),
    divisions: divisions as readonly Division[],
    clearance: clearanceOf(roles),
  };
}

describe('createVerifiedPrincipal', () => {
  it('keeps division codes as given and freezes them', () => {
    const principal = createVerifiedPrincipal(init(['DC', 'MD']));
    expect(principal.divisions).toEqual(['DC', 'MD']);
    expect(Object.isFrozen(principal.divisions)).toBe(true);
  });

  it.each([['ZZ'], ['DC;MD'], ['DC,MD'], ['dc'], ['']])(
    'refuses a principal holding the division %j',
    (division) => {
      expect(() => createVerifiedPrincipal(init(['DC', division]))).toThrow(Error);
    },
  );
});
