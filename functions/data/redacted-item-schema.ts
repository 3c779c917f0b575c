import { z, type ZodObject, type ZodType } from 'zod';

import {
  ROLE_CLEARANCE,
  ROLE_PERMISSIONS,
  ROLES,
  type Classification,
  type Permission,
  type Role,
} from '../../shared/auth/roles.js';
import { canReadField } from './redact-item.js';

/** Roles that grant `permission`, and so may receive an item through that operation. */
function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((role) => ROLE_PERMISSIONS[role].includes(permission));
}

/**
 * Whether every caller holding the permission (one of `roles`) gets a field of this
 * classification. A caller's clearance is the highest of its roles', so the least a caller can
 * hold is one role alone.
 */
function everyCallerReads(level: Classification, roles: readonly Role[]): boolean {
  return roles.length > 0 && roles.every((role) => canReadField(level, ROLE_CLEARANCE[role]));
}

/** How a field that not every caller (one of `roles`) gets is described. */
function conditionText(level: Classification, roles: readonly Role[]): string {
  const readers = roles.filter((role) => canReadField(level, ROLE_CLEARANCE[role]));
  const who =
    readers.length === 0 ? 'no caller of this operation' : `callers with ${readers.join(' or ')}`;
  return level === 'RESTRICTED'
    ? `RESTRICTED: present, masked, only for ${who}; in clear only through the audited unmask.`
    : `${level}: present only for ${who}.`;
}

const built = new WeakMap<ZodObject, Map<string, ZodObject>>();

/**
 * The schema of an item as `redactItem` answers it to callers holding `permission`: a field every
 * such caller reads is required, one that only some read is optional and says who, and a field
 * without a classification is left out, as `redactItem` drops it. Every field carries its
 * classification as `x-eds-classification`, so the API description states each field's level.
 * With `id`, the schema is a named component of the API description; one schema per item,
 * permission and id, so operations sharing it refer to one component.
 */
export function redactedItemSchema(
  item: ZodObject,
  fields: Readonly<Record<string, Classification>>,
  permission: Permission,
  id?: string,
): ZodObject {
  const memoKey = `${permission} ${id ?? ''}`;
  const known = built.get(item)?.get(memoKey);
  if (known !== undefined) return known;
  const roles = rolesWith(permission);
  const shape: Record<string, ZodType> = {};
  for (const [name, field] of Object.entries(item.shape) as [string, ZodType][]) {
    const level = fields[name];
    if (level === undefined) continue;
    shape[name] = everyCallerReads(level, roles)
      ? field.meta({ 'x-eds-classification': level })
      : field.optional().meta({
          'x-eds-classification': level,
          description: conditionText(level, roles),
        });
  }
  const schema = id === undefined ? z.object(shape) : z.object(shape).meta({ id });
  built.set(item, (built.get(item) ?? new Map<string, ZodObject>()).set(memoKey, schema));
  return schema;
}
