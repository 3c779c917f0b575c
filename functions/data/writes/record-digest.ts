import { createHash } from 'node:crypto';

import { canonicalJson } from '../../../shared/crypto/canonical-json.js';
import type { Classification } from '../../../shared/auth/roles.js';

/**
 * SHA-256 (hex) of the canonical JSON of one version of a record, for the `beforeDigest` and
 * `afterDigest` of a `data.change` audit event: the item's fields except RESTRICTED ones and
 * fields without a classification, plus its row version when the record has one (a contract has
 * none: its canonical form then has no `rowVersion` key, and a versioned record's is unchanged).
 *
 * > [!WARNING]
 * > A digest of low-entropy fields can be reversed by guessing; that is why RESTRICTED values
 * > never enter it, not even as ciphertext.
 */
export function digestRecord(
  item: Readonly<Record<string, unknown>>,
  fields: Readonly<Record<string, Classification>>,
  rowVersion?: number,
): string {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    const level = fields[key];
    if (level !== undefined && level !== 'RESTRICTED') kept[key] = value;
  }
  const canonical = canonicalJson({ record: kept, rowVersion });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
