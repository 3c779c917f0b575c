import { isDivision } from '../../../shared/auth/divisions.js';
import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import { AppError } from '../../../shared/errors/app-error.js';
import { refreshContractTotals, tryLockContract } from './contract-totals.js';
import {
  federalFiscalYear,
  obligationResult,
  OBLIGATION_COLUMNS,
  toObligationVersion,
  utcDate,
} from './obligation-record.js';
import { runIdempotentWrite } from './run-idempotent-write.js';
import type { WriteDeps } from './write-deps.js';
import type { WriteResponse } from './write-result.js';
import type { CreateObligationBody } from './create-obligation-body.js';

export interface CreateObligationInput {
  readonly body: CreateObligationBody;
  readonly headers: ReadonlyMap<string, string>;
  readonly correlationId: string;
}

/**
 * Records a new obligation against a contract in the caller's divisions. The division is the
 * contract's (never the body's); the fiscal year follows from the action date and the
 * last-modified date is today (UTC).
 *
 * The contract's total obligation, its size bucket and its action dates are recomputed from its
 * transactions in the same transaction (see `refreshContractTotals`).
 *
 * Requires `records:write` (the HTTP function checks it). Audited as `data.change` `create`
 * with the new record's digest, and `update` of the contract when its fields changed, in the
 * same transaction; honours `Idempotency-Key`.
 *
 * @throws AppError DATA_NOT_FOUND when the contract does not exist or is outside the caller's
 * divisions (no row is written); AppError DATA_IDEMPOTENCY_MISMATCH, VALIDATION_FAILED (bad
 * `Idempotency-Key`); AppError STORE_UNAVAILABLE.
 */
export async function createObligation(
  deps: WriteDeps,
  principal: VerifiedPrincipal,
  input: CreateObligationInput,
): Promise<WriteResponse> {
  const { body } = input;
  const request = { method: 'POST', route: 'v1/obligations', params: {}, ...input } as const;
  return runIdempotentWrite(deps, principal, request, async (trx) => {
    const locked = await tryLockContract(trx, body.contractId);
    if (locked === undefined) {
      throw new AppError('DATA_NOT_FOUND', 'obligation for a contract not in scope', {
        publicMessage: 'No such contract.',
        details: { resource: `contracts/${body.contractId}` },
      });
    }
    const contract = locked.item;
    if (!isDivision(contract.division)) {
      throw new AppError('INTERNAL', 'contract outside every division');
    }
    const row = await trx
      .insertInto('contract_transactions')
      .values({
        contract_id: contract.id,
        division: contract.division,
        action_date: body.actionDate,
        last_modified_date: utcDate(deps.now?.() ?? new Date()),
        fiscal_year: federalFiscalYear(body.actionDate),
        action_type: body.actionType ?? null,
        modification_number: body.modificationNumber,
        federal_action_obligation: body.federalActionObligation,
        description: body.description,
      })
      .returning(OBLIGATION_COLUMNS)
      .executeTakeFirstOrThrow();
    const created = toObligationVersion(row);
    const result = obligationResult(principal, created, 'create');
    const totals = await refreshContractTotals(trx, locked);
    return {
      result,
      audit: { action: 'create', afterDigest: created.digest },
      related: totals === undefined ? [] : [totals],
    };
  });
}
