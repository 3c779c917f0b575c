import type { SearchResource } from './search-resource.js';

const NAME = /^[a-z]+(-[a-z]+)*$/;
const FIELD = /^[a-z][A-Za-z0-9]{0,63}$/;
const COLUMN = /^[a-z][a-z0-9_]{0,62}$/;
/** Fields every index document carries besides the resource's own. */
export const RESERVED_FIELDS: readonly string[] = ['resource', 'id', 'division'];

/**
 * Checks a search catalogue once, at cold start: well-formed unique names, a PUBLIC title
 * field, no RESTRICTED field (whatever a cast may have let through), no reserved field name,
 * and one classification per field name across resources, so that an allow-list of field names
 * built for one clearance means the same in every index.
 *
 * @throws Error naming the resource and field (a programming error, never a caller's).
 */
export function assertSearchResources(resources: readonly SearchResource[]): void {
  const levels = new Map<string, string>();
  const names = new Set<string>();
  for (const resource of resources) {
    if (!NAME.test(resource.name) || names.has(resource.name)) {
      throw new Error(`Search resource "${resource.name}" is malformed or declared twice`);
    }
    names.add(resource.name);
    for (const field of resource.fields) {
      const where = `${resource.name}.${field.name}`;
      if (!FIELD.test(field.name) || !COLUMN.test(field.column)) {
        throw new Error(`Search field ${where} has a malformed name or column`);
      }
      if (RESERVED_FIELDS.includes(field.name)) {
        throw new Error(`Search field ${where} uses a reserved name`);
      }
      if ((field.classification as string) === 'RESTRICTED') {
        throw new Error(`Search field ${where} is RESTRICTED and may not be indexed`);
      }
      const seen = levels.get(field.name);
      if (seen !== undefined && seen !== field.classification) {
        throw new Error(`Search field ${where} is classified unlike its namesake elsewhere`);
      }
      levels.set(field.name, field.classification);
    }
    const title = resource.fields.find((field) => field.name === resource.titleField);
    if (title?.classification !== 'PUBLIC') {
      throw new Error(`Search resource "${resource.name}" needs a PUBLIC title field`);
    }
  }
}
