import type { Transaction } from 'kysely';
import { z } from 'zod';

import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import type { Database } from '../../../shared/db/schema.js';
import { redactItem } from '../redact-item.js';
import {
  CONTRACT_TRANSACTION_FIELDS,
  contractTransactionsResource,
  type ContractTransaction,
} from '../resources/contract-transactions-resource.js';
import { digestRecord } from './record-digest.js';
import { formatRowVersionEtag } from './row-version-etag.js';
import { WRITE_STATUS, type WriteKind } from './write-contract.js';
import type { WriteResult } from './write-result.js';

/** The columns an obligation write returns: the readable record and its row version. */
export const OBLIGATION_COLUMNS = [
  'id',
  'division',
  'contract_id',
  'action_date',
  'last_modified_date',
  'fiscal_year',
  'action_type',
  'modification_number',
  'federal_action_obligation',
  'description',
  'row_version',
] as const;

const RowVersionSchema = z.object({ row_version: z.number().int().min(1) });

/** One version of an obligation as read back from the store. */
export interface ObligationVersion {
  readonly item: ContractTransaction;
  readonly rowVersion: number;
  readonly digest: string;
}

/** Parses a row of {@link OBLIGATION_COLUMNS} into the API item, its version and its digest. */
export function toObligationVersion(row: unknown): ObligationVersion {
  const item = contractTransactionsResource.toItem(contractTransactionsResource.row.parse(row));
  const { row_version: rowVersion } = RowVersionSchema.parse(row);
  const digest = digestRecord(item, CONTRACT_TRANSACTION_FIELDS, rowVersion);
  return { item, rowVersion, digest };
}

/** Reads one obligation in the caller's scope and locks it for the rest of the transaction. */
export async function tryLockObligation(
  trx: Transaction<Database>,
  id: number,
): Promise<ObligationVersion | undefined> {
  const row = await trx
    .selectFrom('contract_transactions')
    .select(OBLIGATION_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row === undefined ? undefined : toObligationVersion(row);
}

/**
 * The response to a successful obligation write: the record redacted to the caller's clearance,
 * its ETag, and on create its `Location` (the record reads at `/api/v1/contract-transactions`).
 */
export function obligationResult(
  principal: VerifiedPrincipal,
  version: ObligationVersion,
  kind: WriteKind,
): WriteResult {
  const { id } = version.item;
  const location = `/api/v1/contract-transactions/${id}`;
  return {
    status: WRITE_STATUS[kind],
    body: redactItem(version.item, CONTRACT_TRANSACTION_FIELDS, principal.clearance),
    headers: {
      ETag: formatRowVersionEtag(id, version.rowVersion),
      ...(kind === 'create' ? { Location: location } : {}),
    },
    resource: contractTransactionsResource.noun,
    id,
  };
}

/** The federal fiscal year a date falls in: October starts the next year's. */
export function federalFiscalYear(date: string): number {
  const year = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 10 ? year + 1 : year;
}

/** Today's date in UTC, `YYYY-MM-DD`. */
export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}
