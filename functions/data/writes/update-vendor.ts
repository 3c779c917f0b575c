import type { Updateable } from 'kysely';

import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import type { VendorsTable } from '../../../shared/db/schema.js';
import { AppError } from '../../../shared/errors/app-error.js';
import { assertVersionMatches, readIfMatch } from './row-version-etag.js';
import { runIdempotentWrite, updateChange } from './run-idempotent-write.js';
import { toVendorVersion, tryLockVendor, vendorResult, VENDOR_COLUMNS } from './vendor-record.js';
import type { WriteDeps } from './write-deps.js';
import type { WriteResponse } from './write-result.js';
import type { UpdateVendorBody } from './update-vendor-body.js';

export interface UpdateVendorInput {
  readonly id: number;
  readonly body: UpdateVendorBody;
  readonly headers: ReadonlyMap<string, string>;
  readonly correlationId: string;
}

function changesOf(body: UpdateVendorBody): Updateable<VendorsTable> {
  return {
    ...(body.parentDuns === undefined ? {} : { parent_duns: body.parentDuns }),
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.countyName === undefined ? {} : { county_name: body.countyName }),
    ...(body.zip5 === undefined ? {} : { zip5: body.zip5 }),
    ...(body.congressionalDistrict === undefined
      ? {}
      : { congressional_district: body.congressionalDistrict }),
    ...(body.businessCategories === undefined
      ? {}
      : { business_categories: body.businessCategories }),
  };
}

/**
 * Updates a vendor in the caller's divisions if it is still at a version `If-Match` names, and
 * bumps its version.
 *
 * Requires `records:write` (the HTTP function checks it). Audited as `data.change` `update`
 * with before and after digests, in the same transaction; honours `Idempotency-Key`.
 *
 * @throws AppError DATA_PRECONDITION_REQUIRED (428) without `If-Match`; AppError DATA_NOT_FOUND
 * when the vendor does not exist or is outside the caller's divisions; AppError
 * DATA_PRECONDITION_FAILED (412) when it has changed since that version (nothing is written);
 * AppError DATA_IDEMPOTENCY_MISMATCH, VALIDATION_FAILED; AppError STORE_UNAVAILABLE.
 */
export async function updateVendor(
  deps: WriteDeps,
  principal: VerifiedPrincipal,
  input: UpdateVendorInput,
): Promise<WriteResponse> {
  const { id, body } = input;
  const versions = readIfMatch(input.headers, id);
  const request = { method: 'PATCH', route: 'v1/vendors/{id}', params: { id }, ...input } as const;
  return runIdempotentWrite(deps, principal, request, async (trx) => {
    const before = assertVersionMatches(await tryLockVendor(trx, id), versions, 'vendor');
    const row = await trx
      .updateTable('vendors')
      .set({ ...changesOf(body), row_version: before.rowVersion + 1 })
      .where('id', '=', id)
      .where('row_version', '=', before.rowVersion)
      .returning(VENDOR_COLUMNS)
      .executeTakeFirst();
    if (row === undefined) {
      throw new AppError('DATA_PRECONDITION_FAILED', 'vendor changed during the update');
    }
    const after = toVendorVersion(row);
    return updateChange(vendorResult(principal, after, 'update'), before, after);
  });
}
