import { classificationRank, type Classification } from '../../shared/auth/roles.js';

const CONFIDENTIAL_RANK = classificationRank('CONFIDENTIAL');

/** Whether a field of this classification is returned to a caller with this clearance. */
export function canReadField(
  field: Classification,
  clearance: Classification | undefined,
): boolean {
  if (clearance === undefined) return false;
  // RESTRICTED values only ever leave a list or get masked, and the mask is CONFIDENTIAL.
  const needed = field === 'RESTRICTED' ? CONFIDENTIAL_RANK : classificationRank(field);
  return classificationRank(clearance) >= needed;
}

/**
 * Drops every field the caller's clearance does not cover.
 *
 * > [!WARNING]
 * > A RESTRICTED field must already hold its masked form: this keeps it for CONFIDENTIAL callers
 * > and never unmasks. A field missing from `fields` is dropped (deny by default).
 */
export function redactItem<T extends object>(
  item: T,
  fields: Readonly<Record<string, Classification>>,
  clearance: Classification | undefined,
): Partial<T> {
  const kept: Partial<T> = {};
  for (const key of Object.keys(item) as (keyof T & string)[]) {
    const level = fields[key];
    if (level !== undefined && canReadField(level, clearance)) kept[key] = item[key];
  }
  return kept;
}
