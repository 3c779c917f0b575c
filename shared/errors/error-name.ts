/**
 * The class name of a thrown value (`TypeError`, `DatabaseError`) for operational logs, or
 * undefined when it is not an `Error`. The name only: a message can carry a value from the
 * request or the store.
 */
export function errorNameOf(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
