import { classificationRank, type Classification } from '../auth/roles.js';
import type { SearchField, SearchResource } from './search-resource.js';

/**
 * The fields of a resource a caller with this clearance may match on and see highlighted:
 * those classified at or below the clearance. None without a clearance, and never a RESTRICTED
 * field (the catalogue holds none; this refuses one anyway).
 */
export function readableSearchFields(
  resource: SearchResource,
  clearance: Classification | undefined,
): readonly SearchField[] {
  if (clearance === undefined) return [];
  const ceiling = classificationRank(clearance);
  return resource.fields.filter(
    (field) =>
      (field.classification as Classification) !== 'RESTRICTED' &&
      classificationRank(field.classification) <= ceiling,
  );
}
