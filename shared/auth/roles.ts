/**
 * Entra ID app roles, the permissions they grant, and the data clearance they carry.
 *
 * This file is the one table of authorisation. A function declares one permission; a caller holds
 * it when any of the token's roles grants it. Nothing else grants access.
 */
export const ROLES = [
  'EDS.Reader',
  'EDS.Analyst',
  'EDS.Manager',
  'EDS.PiiReader',
  'EDS.ComplianceOfficer',
  'EDS.SecurityOfficer',
  'EDS.Admin',
  'EDS.Jobs',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'records:read',
  'records:write',
  'records:unmask',
  'search:query',
  'ai:chat',
  'signatures:request',
  'compliance:report',
  'audit:verify',
  'security:respond',
  'admin:divisions',
  'admin:config',
  'jobs:run',
  'realtime:negotiate',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Field classifications, lowest first. */
export const CLASSIFICATIONS = ['PUBLIC', 'INTERNAL', 'CONFIDENTIAL', 'RESTRICTED'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

const READER: readonly Permission[] = ['records:read', 'realtime:negotiate'];
const ANALYST: readonly Permission[] = [...READER, 'search:query', 'ai:chat'];
const MANAGER: readonly Permission[] = [...ANALYST, 'records:write', 'signatures:request'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  'EDS.Reader': READER,
  'EDS.Analyst': ANALYST,
  'EDS.Manager': MANAGER,
  'EDS.PiiReader': ['records:unmask'],
  'EDS.ComplianceOfficer': ['compliance:report', 'audit:verify', 'realtime:negotiate'],
  'EDS.SecurityOfficer': ['security:respond', 'audit:verify', 'realtime:negotiate'],
  'EDS.Admin': ['admin:divisions', 'admin:config'],
  'EDS.Jobs': ['jobs:run'],
};

/**
 * The highest classification each role may read in clear. RESTRICTED fields are never returned
 * in clear by a list or get: callers cleared for CONFIDENTIAL see them masked, and only
 * `EDS.PiiReader` may unmask them, one audited request at a time.
 */
export const ROLE_CLEARANCE: Record<Role, Classification | undefined> = {
  'EDS.Reader': 'INTERNAL',
  'EDS.Analyst': 'CONFIDENTIAL',
  'EDS.Manager': 'CONFIDENTIAL',
  'EDS.PiiReader': undefined,
  'EDS.ComplianceOfficer': undefined,
  'EDS.SecurityOfficer': undefined,
  'EDS.Admin': undefined,
  'EDS.Jobs': undefined,
};

/** Roles that only an application (client-credentials) token may carry. */
export const APP_ONLY_ROLES: readonly Role[] = ['EDS.Jobs'];

/**
 * The only roles an application token may use. The others stand for a person's accountability
 * (unmasking with a stated reason, changing records, administering, the officers' reviews), so a
 * service principal assigned one in Entra by mistake gains nothing from it.
 */
export const APP_ROLES: readonly Role[] = ['EDS.Reader', 'EDS.Analyst', 'EDS.Jobs'];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function permissionsOf(roles: readonly Role[]): ReadonlySet<Permission> {
  return new Set(roles.flatMap((role) => ROLE_PERMISSIONS[role]));
}

export function classificationRank(level: Classification): number {
  return CLASSIFICATIONS.indexOf(level);
}

/** The highest of `levels`, or undefined when there are none. */
export function highestClassification(
  levels: readonly (Classification | undefined)[],
): Classification | undefined {
  let best: Classification | undefined;
  for (const level of levels) {
    if (
      level !== undefined &&
      (best === undefined || classificationRank(level) > classificationRank(best))
    ) {
      best = level;
    }
  }
  return best;
}

/** The highest clearance any of the roles carries, or undefined when none reads records. */
export function clearanceOf(roles: readonly Role[]): Classification | undefined {
  return highestClassification(roles.map((role) => ROLE_CLEARANCE[role]));
}
