import type { Updateable } from 'kysely';

import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import type { ContractTransactionsTable } from '../../../shared/db/schema.js';
import { AppError } from '../../../shared/errors/app-error.js';
import { refreshContractTotals, tryLockContract } from './contract-totals.js';
import {
  federalFiscalYear,
  obligationResult,
  OBLIGATION_COLUMNS,
  toObligationVersion,
  tryLockObligation,
  utcDate,
} from './obligation-record.js';
import { assertVersionMatches, readIfMatch } from './row-version-etag.js';
import { runIdempotentWrite, updateChange } from './run-idempotent-write.js';
import type { WriteDeps } from './write-deps.js';
import type { WriteResponse } from './write-result.js';
import type { UpdateObligationBody } from './update-obligation-body.js';

export interface UpdateObligationInput {
  readonly id: number;
  readonly body: UpdateObligationBody;
  readonly headers: ReadonlyMap<string, string>;
  readonly correlationId: string;
}

function changesOf(body: UpdateObligationBody): Updateable<ContractTransactionsTable> {
  return {
    ...(body.actionDate === undefined
      ? {}
      : { action_date: body.actionDate, fiscal_year: federalFiscalYear(body.actionDate) }),
    ...(body.actionType === undefined ? {} : { action_type: body.actionType }),
    ...(body.modificationNumber === undefined
      ? {}
      : { modification_number: body.modificationNumber }),
    ...(body.federalActionObligation === undefined
      ? {}
      : { federal_action_obligation: body.federalActionObligation }),
    ...(body.description === undefined ? {} : { description: body.description }),
  };
}

/**
 * Updates an obligation in the caller's divisions if it is still at a version `If-Match` names,
 * and bumps its version; the last-modified date becomes today (UTC). Its contract's total
 * obligation, size bucket and action dates are recomputed in the same transaction.
 *
 * Requires `records:write` (the HTTP function checks it). Audited as `data.change` `update`
 * with before and after digests, and `update` of the contract when its fields changed, in the
 * same transaction; honours `Idempotency-Key`.
 *
 * @throws AppError DATA_PRECONDITION_REQUIRED (428) without `If-Match`; AppError DATA_NOT_FOUND
 * when the obligation does not exist or is outside the caller's divisions; AppError
 * DATA_PRECONDITION_FAILED (412) when it has changed since that version (nothing is written);
 * AppError DATA_IDEMPOTENCY_MISMATCH, VALIDATION_FAILED; AppError STORE_UNAVAILABLE.
 */
export async function updateObligation(
  deps: WriteDeps,
  principal: VerifiedPrincipal,
  input: UpdateObligationInput,
): Promise<WriteResponse> {
  const { id, body } = input;
  const versions = readIfMatch(input.headers, id);
  const request = {
    method: 'PATCH',
    route: 'v1/obligations/{id}',
    params: { id },
    ...input,
  } as const;
  return runIdempotentWrite(deps, principal, request, async (trx) => {
    const before = assertVersionMatches(await tryLockObligation(trx, id), versions, 'obligation');
    const contract = await tryLockContract(trx, before.item.contractId);
    if (contract === undefined) {
      // A contract's transactions share its division, so this is a broken row, not a refusal.
      throw new AppError('INTERNAL', 'obligation visible without its contract');
    }
    const row = await trx
      .updateTable('contract_transactions')
      .set({
        ...changesOf(body),
        last_modified_date: utcDate(deps.now?.() ?? new Date()),
        row_version: before.rowVersion + 1,
      })
      .where('id', '=', id)
      .where('row_version', '=', before.rowVersion)
      .returning(OBLIGATION_COLUMNS)
      .executeTakeFirst();
    if (row === undefined) {
      throw new AppError('DATA_PRECONDITION_FAILED', 'obligation changed during the update');
    }
    const after = toObligationVersion(row);
    const change = updateChange(obligationResult(principal, after, 'update'), before, after);
    const totals = await refreshContractTotals(trx, contract);
    return totals === undefined ? change : { ...change, related: [totals] };
  });
}
