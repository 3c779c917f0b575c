import type { Division } from '../../auth/divisions.js';
import { createVerifiedPrincipal, type VerifiedPrincipal } from '../../auth/principal.js';
import { permissionsOf, type Role } from '../../auth/roles.js';

/** A verified analyst for store tests, scoped to the given divisions. */
export function testPrincipal(
  id: string,
  divisions: readonly Division[],
  roles: readonly Role[] = ['EDS.Analyst'],
): VerifiedPrincipal {
  return createVerifiedPrincipal({
    id,
    tenantId: '6f1d7a4e-0c1b-4e55-9a55-6d2f1e0de5a1',
    kind: 'user',
    roles,
    permissions: permissionsOf(roles),
    divisions,
    clearance: 'CONFIDENTIAL',
  });
}
