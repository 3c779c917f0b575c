/**
 * Rows grouped by a key, groups in the order their first row appears and rows in input order.
 * `Map.groupBy` does this from Node 21; the engines range still includes Node 20.
 */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const name = key(row);
    const group = groups.get(name);
    if (group === undefined) groups.set(name, [row]);
    else group.push(row);
  }
  return groups;
}
