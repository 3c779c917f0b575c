import { isDivision, type Division } from './divisions.js';
import type { Classification, Permission, Role } from './roles.js';

declare const principalBrand: unique symbol;

/**
 * A caller whose bearer token passed verification. Only `createVerifiedPrincipal` makes one. In
 * the app the token verifier is its one caller, so there holding one proves the token was
 * checked; the bench and the test support also call it, to act as a caller without a token.
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

/**
 * Brands a caller as verified. Call it only with a checked identity: the token verifier's
 * claims, or a fixed caller in the bench and the tests.
 *
 * Every division is checked here, once, so the stores can put `divisions` into their row-scope
 * setting as they stand.
 *
 * @throws Error when a division is not a division code (a programming error: the token
 * verifier drops unknown codes before it calls this).
 */
export function createVerifiedPrincipal(init: PrincipalInit): VerifiedPrincipal {
  if (!init.divisions.every((division) => isDivision(division))) {
    throw new Error('createVerifiedPrincipal: divisions must be division codes');
  }
  const divisions = Object.freeze([...init.divisions]);
  return Object.freeze({ ...init, divisions }) as VerifiedPrincipal;
}

export function hasPermission(principal: VerifiedPrincipal, permission: Permission): boolean {
  return principal.permissions.has(permission);
}
