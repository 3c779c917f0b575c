import type { Expression, ExpressionBuilder, Transaction } from 'kysely';

import type { ContractsTable, Database } from '../../../shared/db/schema.js';
import { AppError } from '../../../shared/errors/app-error.js';
import { errorCodeOf } from '../../../shared/errors/error-code.js';
import {
  CONTRACT_FIELDS,
  contractsResource,
  type Contract,
} from '../resources/contracts-resource.js';
import { digestRecord } from './record-digest.js';
import type { ChangeDigests, RelatedChange } from './run-idempotent-write.js';
import { auditResourceOf } from './write-result.js';

/** One version of a contract as read from the store. Contracts carry no row version. */
export interface ContractVersion {
  readonly item: Contract;
  readonly digest: string;
}

/** The columns the contract resource reads; its row schema parses what they return. */
const CONTRACT_COLUMNS = Object.keys(contractsResource.row.shape) as (keyof ContractsTable)[];

/**
 * USAspending's award-size buckets (its `obligation_to_enum`): exclusive upper bound, as
 * `numeric` text, and label.
 */
const OBLIGATION_BINS = [
  ['1000000', '<1M'],
  ['25000000', '1M..25M'],
  ['100000000', '25M..100M'],
  ['500000000', '100M..500M'],
] as const;
const TOP_BIN = '>500M';

function toContractVersion(row: unknown): ContractVersion {
  const item = contractsResource.toItem(contractsResource.row.parse(row));
  return { item, digest: digestRecord(item, CONTRACT_FIELDS) };
}

/**
 * Reads one contract in the caller's scope and locks it for the rest of the transaction, so
 * writes to its transactions take turns and each recomputes over the others' committed rows.
 */
export async function tryLockContract(
  trx: Transaction<Database>,
  id: number,
): Promise<ContractVersion | undefined> {
  const row = await trx
    .selectFrom('contracts')
    .select(CONTRACT_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row === undefined ? undefined : toContractVersion(row);
}

function binOf(
  eb: ExpressionBuilder<Database, 'contracts'>,
  total: Expression<string>,
): Expression<string> {
  const [first, ...rest] = OBLIGATION_BINS;
  let bins = eb.case().when(total, '<', first[0]).then(eb.val<string>(first[1]));
  for (const [bound, label] of rest) bins = bins.when(total, '<', bound).then(label);
  return bins.else(TOP_BIN).end();
}

/**
 * Recomputes a locked contract's derived fields from its transactions, in the write's
 * transaction: the total obligation (the part EDS does not hold, `untracked_obligation`, plus the
 * sum of its transactions, in `numeric`), its size bucket, and its first and last action dates.
 *
 * Runs under the caller's row scope. A contract's transactions share its division (a new one
 * takes the contract's, and no update changes it), so the caller who sees the contract sees all
 * of them and the sum is whole.
 *
 * @returns The contract's `data.change` (digests only) when any field changed; undefined when
 * the write left them as they were.
 */
export async function refreshContractTotals(
  trx: Transaction<Database>,
  before: ContractVersion,
): Promise<RelatedChange | undefined> {
  const { id } = before.item;
  const row = await recomputeTotals(trx, id);
  const after = toContractVersion(row);
  if (after.digest === before.digest) return undefined;
  const resource = auditResourceOf({ resource: contractsResource.noun, id });
  const audit: ChangeDigests = {
    action: 'update',
    beforeDigest: before.digest,
    afterDigest: after.digest,
  };
  return { resource, audit };
}

/** SQLSTATE of a value outside its column's range: a total past `numeric(18, 2)`. */
const NUMERIC_OUT_OF_RANGE = '22003';

/** The amount named as what to change when the contract's total cannot hold it. */
const TOTAL_OUT_OF_RANGE = {
  location: 'body',
  path: 'federalActionObligation',
  rule: 'contract_total_out_of_range',
} as const;

/**
 * Writes the contract's new total, bucket and dates.
 *
 * @throws AppError VALIDATION_FAILED (path `federalActionObligation`, rule
 * `contract_total_out_of_range`) when the contract's total would pass what its column holds.
 */
async function recomputeTotals(trx: Transaction<Database>, id: number): Promise<unknown> {
  const totals = trx
    .selectFrom('contract_transactions')
    .where('contract_id', '=', id)
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<string>('federal_action_obligation'), eb.val('0')).as('obligated'),
      eb.fn.min('action_date').as('first_action'),
      eb.fn.max('action_date').as('last_action'),
    ]);
  try {
    return await trx
      .updateTable('contracts')
      .from(totals.as('t'))
      .set((eb) => {
        const total = eb('contracts.untracked_obligation', '+', eb.ref('t.obligated'));
        return {
          total_obligation: total,
          total_obligation_bin: binOf(eb, total),
          first_action_date: eb.fn.coalesce('t.first_action', 'contracts.first_action_date'),
          last_action_date: eb.fn.coalesce('t.last_action', 'contracts.last_action_date'),
        };
      })
      .where('contracts.id', '=', id)
      .returning(CONTRACT_COLUMNS)
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (errorCodeOf(error) !== NUMERIC_OUT_OF_RANGE) throw error;
    throw new AppError('VALIDATION_FAILED', 'contract total out of range', {
      details: { issues: [TOTAL_OUT_OF_RANGE] },
    });
  }
}
