import type { SearchResource } from './search-resource.js';

/**
 * The catalogue entries a query names, in catalogue order; every entry when it names none.
 *
 * @throws Error when a name is not in the catalogue: requests are validated against it before
 * they reach an index, so this is a programming error.
 */
export function selectSearchResources(
  catalogue: readonly SearchResource[],
  names: readonly string[] | undefined,
): readonly SearchResource[] {
  if (names === undefined) return catalogue;
  const unknown = names.find((name) => !catalogue.some((resource) => resource.name === name));
  if (unknown !== undefined) throw new Error('Search query names a resource not in the catalogue');
  return catalogue.filter((resource) => names.includes(resource.name));
}
