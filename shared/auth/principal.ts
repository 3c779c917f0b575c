import type { Division } from './divisions.js';
import type { Classification, Permission, Role } from './roles.js';

declare const principalBrand: unique symbol;

/**
 * A caller whose bearer token passed verification. Only `createVerifiedPrincipal` makes one,
 * and only the token verifier calls it, so holding one proves the token was checked.
 */
export interface VerifiedPrincipal {
  readonly [principalBrand]: true;
  /** Entra object id of the user or service principal: opaque, safe for logs and audit. */
  readonly id: string;
  readonly tenantId: string;
  readonly kind: 'user' | 'app';
  readonly roles: readonly Role[];
  readonly permissions: ReadonlySet<Permission>;
  /** Divisions whose records this caller may see. Empty means none. */
  readonly divisions: readonly Division[];
  /** Highest classification readable in clear, or undefined when the caller reads no records. */
  readonly clearance: Classification | undefined;
}

export interface PrincipalInit {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: 'user' | 'app';
  readonly roles: readonly Role[];
  readonly permissions: ReadonlySet<Permission>;
  readonly divisions: readonly Division[];
  readonly clearance: Classification | undefined;
}

export function createVerifiedPrincipal(init: PrincipalInit): VerifiedPrincipal {
  return Object.freeze({ ...init }) as VerifiedPrincipal;
}

export function hasPermission(principal: VerifiedPrincipal, permission: Permission): boolean {
  return principal.permissions.has(permission);
}
