import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import { AppError } from '../../../shared/errors/app-error.js';
import { errorCodeOf } from '../../../shared/errors/error-code.js';
import { runIdempotentWrite } from './run-idempotent-write.js';
import { toVendorVersion, vendorResult, VENDOR_COLUMNS } from './vendor-record.js';
import type { WriteDeps } from './write-deps.js';
import type { WriteResponse } from './write-result.js';
import type { CreateVendorBody } from './create-vendor-body.js';

export interface CreateVendorInput {
  readonly body: CreateVendorBody;
  readonly headers: ReadonlyMap<string, string>;
  readonly correlationId: string;
}

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  return errorCodeOf(error) === UNIQUE_VIOLATION;
}

/**
 * Registers a vendor in the division of its state, which must be one of the caller's.
 *
 * Requires `records:write` (the HTTP function checks it). Audited as `data.change` `create`
 * with the new record's digest, in the same transaction; honours `Idempotency-Key`.
 *
 * LIMITATION: DUNS numbers are unique across divisions, so a 409 tells the caller that a vendor
 * with that (public) DUNS exists somewhere, possibly in a division it cannot read.
 *
 * @throws AppError AUTH_FORBIDDEN (403) when the state is not one of the caller's divisions: the
 * caller knows its own divisions, so the refusal reveals nothing (row-level security would refuse
 * the row as well); AppError DATA_CONFLICT (409) when the DUNS is already registered; AppError
 * DATA_IDEMPOTENCY_MISMATCH, VALIDATION_FAILED; AppError STORE_UNAVAILABLE.
 */
export async function createVendor(
  deps: WriteDeps,
  principal: VerifiedPrincipal,
  input: CreateVendorInput,
): Promise<WriteResponse> {
  const { body } = input;
  if (!principal.divisions.includes(body.state)) {
    throw new AppError('AUTH_FORBIDDEN', 'vendor in a division the caller does not hold', {
      publicMessage: 'You may not register vendors in that division.',
      details: { reason: 'out_of_scope' },
    });
  }
  const request = { method: 'POST', route: 'v1/vendors', params: {}, ...input } as const;
  return runIdempotentWrite(deps, principal, request, async (trx) => {
    const row = await trx
      .insertInto('vendors')
      .values({
        division: body.state,
        duns: body.duns,
        parent_duns: body.parentDuns ?? null,
        name: body.name,
        state: body.state,
        county_name: body.countyName ?? null,
        zip5: body.zip5 ?? null,
        congressional_district: body.congressionalDistrict ?? null,
        business_categories: body.businessCategories ?? [],
        usaspending_recipient_hash: null,
      })
      .returning(VENDOR_COLUMNS)
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if (!isUniqueViolation(error)) throw error;
        throw new AppError('DATA_CONFLICT', 'vendor DUNS already registered', {
          publicMessage: 'A vendor with this DUNS number is already registered.',
          cause: error,
        });
      });
    const created = toVendorVersion(row);
    const result = vendorResult(principal, created, 'create');
    return {
      result,
      audit: { action: 'create', afterDigest: created.digest },
    };
  });
}
