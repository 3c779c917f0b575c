import type { Insertable } from 'kysely';

import { isDivision, type Division } from '../../auth/divisions.js';
import type { ContractsTable, ContractTransactionsTable, VendorsTable } from '../schema.js';
import {
  ContractTransactionRowSchema,
  type ContractTransactionRow,
} from './finance-row-schemas.js';
import { groupBy } from './group-by.js';
import { readCsvRows } from './read-csv-rows.js';
import {
  insertInBatches,
  reserveIds,
  type DatasetCounts,
  type SeedContext,
} from './seed-context.js';
import { resolveInside } from '../../fs/safe-path.js';

export const CONTRACTS_FILE = 'usaspending_dot_construction_contract_transactions_2017q3.csv';

function byActionDate(a: ContractTransactionRow, b: ContractTransactionRow): number {
  return a.action_date.localeCompare(b.action_date) || a.transaction_id - b.transaction_id;
}

/** Where the work happens, else where the vendor is: the division that oversees it. */
function divisionOf(row: ContractTransactionRow): string {
  return row.pop_state_code ?? row.recipient_location_state_code;
}

function toVendor(id: number, rows: ContractTransactionRow[]): Insertable<VendorsTable> {
  const latest = [...rows].sort(byActionDate).at(-1) as ContractTransactionRow;
  return {
    id,
    division: latest.recipient_location_state_code as Division,
    duns: latest.recipient_unique_id,
    parent_duns: latest.parent_recipient_unique_id,
    name: latest.recipient_name,
    state: latest.recipient_location_state_code,
    county_name: latest.recipient_location_county_name,
    zip5: latest.recipient_location_zip5,
    congressional_district: latest.recipient_location_congressional_code,
    business_categories: latest.business_categories,
    usaspending_recipient_hash: latest.recipient_hash,
  };
}

function toContract(vendorId: number, rows: ContractTransactionRow[]): Insertable<ContractsTable> {
  const sorted = [...rows].sort(byActionDate);
  const first = sorted[0] as ContractTransactionRow;
  const last = sorted.at(-1) as ContractTransactionRow;
  return {
    id: first.award_id,
    vendor_id: vendorId,
    division: divisionOf(first) as Division,
    piid: first.piid,
    award_type: first.type,
    pulled_from: first.pulled_from,
    awarding_agency: first.awarding_toptier_agency_name,
    awarding_subagency: first.awarding_subtier_agency_name,
    awarding_subagency_code: first.awarding_subtier_agency_abbreviation,
    funding_subagency: first.funding_subtier_agency_name,
    total_obligation: last.total_obligation,
    total_obligation_bin: last.total_obl_bin,
    description: first.transaction_description,
    naics_code: first.naics_code,
    naics_description: first.naics_description,
    psc_code: first.product_or_service_code,
    psc_description: first.product_or_service_description,
    pricing_type: first.type_of_contract_pricing,
    set_aside: first.type_set_aside,
    extent_competed: first.extent_competed,
    pop_state: first.pop_state_code,
    pop_county_name: first.pop_county_name,
    pop_zip5: first.pop_zip5,
    pop_congressional_district: first.pop_congressional_code,
    first_action_date: first.action_date,
    last_action_date: last.action_date,
  };
}

function toTransaction(
  row: ContractTransactionRow,
  contract: Insertable<ContractsTable>,
): Insertable<ContractTransactionsTable> {
  return {
    id: row.transaction_id,
    contract_id: contract.id,
    division: contract.division,
    action_date: row.action_date,
    last_modified_date: row.last_modified_date,
    fiscal_year: row.fiscal_year,
    action_type: row.action_type,
    modification_number: row.modification_number,
    federal_action_obligation: row.federal_action_obligation,
    description: row.transaction_description,
  };
}

/**
 * Sets each contract's `untracked_obligation`: USAspending's award total counts actions outside
 * the loaded file, and writes recompute the total as this part plus the contract's transactions.
 */
async function setUntrackedObligations(trx: SeedContext['trx']): Promise<void> {
  await trx
    .updateTable('contracts')
    .set((eb) => {
      const loaded = eb
        .selectFrom('contract_transactions as t')
        .select((sub) => sub.fn.sum<string>('t.federal_action_obligation').as('obligated'))
        .whereRef('t.contract_id', '=', 'contracts.id');
      return {
        untracked_obligation: eb('total_obligation', '-', eb.fn.coalesce(loaded, eb.val('0'))),
      };
    })
    .execute();
}

/**
 * Loads vendors (one per DUNS, newest attributes), contracts (one per USAspending award) and
 * their transactions from the construction contracts file, in the open transaction.
 *
 * A vendor's division is its location state. A contract's division is the place of performance
 * of its first action (else the vendor's state), and every transaction of the contract shares
 * it, so a contract and its actions are always visible together. Rows whose vendor state or
 * contract division is not a division are skipped and counted.
 */
export async function seedContracts(context: SeedContext, dir: string): Promise<DatasetCounts> {
  const { trx, logger } = context;
  const rows = await readCsvRows(resolveInside(dir, CONTRACTS_FILE), ContractTransactionRowSchema, {
    naIsNull: true,
  });
  const byAward = groupBy(rows, (row) => String(row.award_id));
  const awards = [...byAward.values()].filter((group) => {
    const first = [...group].sort(byActionDate)[0] as ContractTransactionRow;
    return isDivision(divisionOf(first)) && isDivision(first.recipient_location_state_code);
  });
  const keptRows = awards.flat();
  const skipped = rows.length - keptRows.length;
  if (skipped > 0) {
    logger.warn('db.seed_rows_skipped', {
      resource: 'contracts',
      count: skipped,
      reason: 'division',
    });
  }

  const byVendor = groupBy(keptRows, (row) => row.recipient_unique_id);
  const ids = await reserveIds(trx, 'vendors', byVendor.size);
  const vendors = [...byVendor.values()].map((group, index) =>
    toVendor(ids[index] as number, group),
  );
  const vendorIds = new Map(vendors.map((vendor) => [vendor.duns, vendor.id as number]));
  const contracts: Insertable<ContractsTable>[] = [];
  const transactions: Insertable<ContractTransactionsTable>[] = [];
  for (const group of awards) {
    const vendorId = vendorIds.get((group[0] as ContractTransactionRow).recipient_unique_id);
    const contract = toContract(vendorId as number, group);
    contracts.push(contract);
    for (const row of group) transactions.push(toTransaction(row, contract));
  }

  await insertInBatches(trx, 'vendors', vendors);
  await insertInBatches(trx, 'contracts', contracts);
  await insertInBatches(trx, 'contract_transactions', transactions);
  await setUntrackedObligations(trx);
  return {
    vendors: vendors.length,
    contracts: contracts.length,
    contract_transactions: transactions.length,
    skipped,
  };
}
