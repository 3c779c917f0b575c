import type { Transaction } from 'kysely';
import { z } from 'zod';

import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import type { Database } from '../../../shared/db/schema.js';
import { redactItem } from '../redact-item.js';
import { VENDOR_FIELDS, vendorsResource, type Vendor } from '../resources/vendors-resource.js';
import { digestRecord } from './record-digest.js';
import { formatRowVersionEtag } from './row-version-etag.js';
import { WRITE_STATUS, type WriteKind } from './write-contract.js';
import type { WriteResult } from './write-result.js';

/** The columns a vendor write returns: the readable record and its row version. */
export const VENDOR_COLUMNS = [
  'id',
  'division',
  'duns',
  'parent_duns',
  'name',
  'state',
  'county_name',
  'zip5',
  'congressional_district',
  'business_categories',
  'row_version',
] as const;

const RowVersionSchema = z.object({ row_version: z.number().int().min(1) });

/** One version of a vendor as read back from the store. */
export interface VendorVersion {
  readonly item: Vendor;
  readonly rowVersion: number;
  readonly digest: string;
}

/** Parses a row of {@link VENDOR_COLUMNS} into the API item, its version and its digest. */
export function toVendorVersion(row: unknown): VendorVersion {
  const item = vendorsResource.toItem(vendorsResource.row.parse(row));
  const { row_version: rowVersion } = RowVersionSchema.parse(row);
  return { item, rowVersion, digest: digestRecord(item, VENDOR_FIELDS, rowVersion) };
}

/** Reads one vendor in the caller's scope and locks it for the rest of the transaction. */
export async function tryLockVendor(
  trx: Transaction<Database>,
  id: number,
): Promise<VendorVersion | undefined> {
  const row = await trx
    .selectFrom('vendors')
    .select(VENDOR_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row === undefined ? undefined : toVendorVersion(row);
}

/** The response to a successful vendor write: redacted record, ETag, and `Location` on create. */
export function vendorResult(
  principal: VerifiedPrincipal,
  version: VendorVersion,
  kind: WriteKind,
): WriteResult {
  const { id } = version.item;
  return {
    status: WRITE_STATUS[kind],
    body: redactItem(version.item, VENDOR_FIELDS, principal.clearance),
    headers: {
      ETag: formatRowVersionEtag(id, version.rowVersion),
      ...(kind === 'create' ? { Location: `/api/v1/vendors/${id}` } : {}),
    },
    resource: vendorsResource.noun,
    id,
  };
}
