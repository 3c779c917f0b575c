/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no whitespace, `JSON.stringify` for
 * every scalar. Compatibility: the audit chain hashes this exact text, and so do stored
 * idempotency digests, the record digests in audit events and the cursors' scope binding, so its
 * rules never change; a different canonical form needs a new chain format, not an edit here.
 */

/**
 * Serialises a JSON value canonically. Object members whose value is `undefined` are omitted,
 * as `JSON.stringify` would.
 *
 * @throws TypeError on values JSON cannot represent exactly: non-finite numbers, bigints,
 * functions, symbols, `undefined` in an array, or objects that are not plain.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('Canonical JSON has no non-finite numbers');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => canonicalArrayItem(item)).join(',')}]`;
  }
  if (isPlainObject(value)) {
    // Every audit event passes here on its way to the hash: one string, built in one pass.
    let text = '';
    for (const key of Object.keys(value).sort()) {
      const member = value[key];
      if (member === undefined) continue;
      text += `${text === '' ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    }
    return `{${text}}`;
  }
  throw new TypeError(`Canonical JSON cannot represent a ${typeof value}`);
}

function canonicalArrayItem(item: unknown): string {
  if (item === undefined) throw new TypeError('Canonical JSON has no undefined array items');
  return canonicalJson(item);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
