/**
 * Kysely table types for the relational store. Compatibility: these mirror the migrations in
 * `migrations/`; change a table only through a new migration, then here.
 *
 * Every financial table carries `division` (an FHWA division office, see `auth/divisions.ts`)
 * and is guarded by row-level security on it. Money is `numeric` and reads as a decimal string,
 * never a float; `date` columns read as `YYYY-MM-DD` strings (see `postgres-app-database.ts`).
 * The `search` columns are generated `tsvector`s and are never selected or written.
 */
import type { ColumnType, Generated } from 'kysely';

import type { Division } from '../auth/divisions.js';

/** A decimal amount in US dollars: written as a string or number, always read as a string. */
export type Money = ColumnType<string, string | number, string | number>;
/** A calendar date, `YYYY-MM-DD`. */
export type DateOnly = ColumnType<string, string, string>;
type SearchVector = ColumnType<never, never, never>;

/** Auditee normalised to a closed set from the FAC's free-typed `entity_type`. */
export const ENTITY_TYPES = [
  'local_government',
  'state',
  'non_profit',
  'higher_education',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** An organisation audited under the Single Audit Act: one per EIN. */
export interface RecipientsTable {
  id: Generated<number>;
  division: Division;
  name: string;
  city: string;
  state: string;
  zip: string;
  uei: string | null;
  entity_type: EntityType;
  /** RESTRICTED: the EIN as a v1 envelope, context `recipients.ein:<id>`. Never plaintext. */
  ein_ciphertext: string;
  /** CONFIDENTIAL: last four EIN digits, for masked display only. */
  ein_last4: string;
  search: SearchVector;
}

/** A federal award a recipient holds, as reported across its audits (id: first line's id). */
export interface AwardsTable {
  id: number;
  recipient_id: number;
  division: Division;
  aln: string;
  program_name: string;
  catalog_title: string | null;
  cluster_name: string | null;
  award_identification: string | null;
  direct_award: boolean;
  /** Pass-through entities as reported, joined with ` | `. */
  passthrough_entities: string | null;
  passthrough_award_ids: string | null;
  is_fhwa_highway_program: boolean;
  first_audit_year: number;
  last_audit_year: number;
  search: SearchVector;
}

/** One SEFA line: an award's expenditure in one audited fiscal year (id: `elec_audits_id`). */
export interface ExpendituresTable {
  id: number;
  award_id: number;
  recipient_id: number;
  division: Division;
  aln: string;
  dbkey: number;
  audit_year: number;
  award_seq_num: number;
  fiscal_period_start: DateOnly;
  fiscal_period_end: DateOnly;
  /** The auditee's fiscal year, named by the calendar year it ends in. */
  fiscal_year: number;
  fac_accepted_date: DateOnly;
  program_name: string;
  amount_expended: Money;
  program_total_expended: Money;
  cluster_total_expended: Money | null;
  auditee_total_federal_expenditures: Money;
  passed_to_subrecipients: boolean;
  amount_passed_to_subrecipients: Money;
  major_program: boolean;
  major_program_opinion: string | null;
  findings_count: number;
  oversight_agency: string | null;
  search: SearchVector;
}

/** A contractor (USAspending recipient), one per DUNS. */
export interface VendorsTable {
  id: Generated<number>;
  division: Division;
  duns: string;
  parent_duns: string | null;
  name: string;
  state: string;
  county_name: string | null;
  zip5: string | null;
  congressional_district: string | null;
  business_categories: string[];
  /** Null for a vendor registered in EDS rather than loaded from USAspending (migration 0003). */
  usaspending_recipient_hash: string | null;
  /** Optimistic-concurrency version: 1 on insert, bumped by every update (migration 0003). */
  row_version: Generated<number>;
  search: SearchVector;
}

/** A prime contract award (id: USAspending `award_id`). */
export interface ContractsTable {
  id: number;
  vendor_id: number;
  division: Division;
  piid: string;
  award_type: string | null;
  pulled_from: string;
  awarding_agency: string;
  awarding_subagency: string;
  awarding_subagency_code: string;
  funding_subagency: string;
  total_obligation: Money;
  total_obligation_bin: string;
  description: string;
  naics_code: string;
  naics_description: string | null;
  psc_code: string;
  psc_description: string;
  pricing_type: string;
  set_aside: string | null;
  extent_competed: string;
  pop_state: string | null;
  pop_county_name: string | null;
  pop_zip5: string | null;
  pop_congressional_district: string | null;
  first_action_date: DateOnly;
  last_action_date: DateOnly;
  /**
   * The part of `total_obligation` from actions EDS does not hold (migration 0007): the total is
   * this plus the sum of the contract's transactions. 0 when every action is in EDS.
   */
  untracked_obligation: ColumnType<string, string | number | undefined, string | number>;
  search: SearchVector;
}

/**
 * One contract action (id: USAspending `transaction_id`; actions created in EDS take ids from
 * 1,000,000,000 up, migration 0003).
 */
export interface ContractTransactionsTable {
  id: Generated<number>;
  contract_id: number;
  division: Division;
  action_date: DateOnly;
  last_modified_date: DateOnly;
  fiscal_year: number;
  action_type: string | null;
  modification_number: string;
  federal_action_obligation: Money;
  description: string;
  /** Optimistic-concurrency version: 1 on insert, bumped by every update (migration 0003). */
  row_version: Generated<number>;
  search: SearchVector;
}

/** A Treasury appropriation (federal) account, such as 069-8083 Federal-Aid Highways. */
export interface AccountsTable {
  id: Generated<number>;
  division: Division;
  code: string;
  title: string;
  agency: string;
  subagency: string;
  search: SearchVector;
}

/** An account's fiscal-year-to-date obligations and unobligated balance at a quarter's end. */
export interface AccountObligationsTable {
  id: Generated<number>;
  account_id: number;
  division: Division;
  fiscal_year: number;
  quarter: number;
  period_end: DateOnly;
  obligation: Money;
  unobligated: Money;
}

export interface Database {
  recipients: RecipientsTable;
  awards: AwardsTable;
  expenditures: ExpendituresTable;
  vendors: VendorsTable;
  contracts: ContractsTable;
  contract_transactions: ContractTransactionsTable;
  accounts: AccountsTable;
  account_obligations: AccountObligationsTable;
}

/** Tables whose rows belong to a division and are guarded by row-level security. */
export const FINANCIAL_TABLES = [
  'recipients',
  'awards',
  'expenditures',
  'vendors',
  'contracts',
  'contract_transactions',
  'accounts',
  'account_obligations',
] as const satisfies readonly (keyof Database)[];
