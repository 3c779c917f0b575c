/**
 * Zod schemas for one row of each real finance CSV in `data/finance/` (see its SOURCES.md).
 * Every column of each file is listed, so a renamed or added column fails the load loudly.
 */
import { z } from 'zod';

import { ENTITY_TYPES, type EntityType } from '../schema.js';

const int = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);
const year = z
  .string()
  .regex(/^(19|20)\d{2}$/)
  .transform(Number);
const money = z.string().regex(/^-?\d{1,15}(\.\d{1,2})?$/);
const flag = z.enum(['Y', 'N']).transform((value) => value === 'Y');
const text = z.string().trim().min(1).max(2000);
const optionalText = z
  .string()
  .trim()
  .max(2000)
  .transform((value) => (value === '' ? null : value));
const stateCode = z.string().regex(/^[A-Z]{2}$/);

/** `MM/DD/YYYY 00:00:00` (the FAC's format) to `YYYY-MM-DD`. */
const facDate = z
  .string()
  .regex(/^(\d{2})\/(\d{2})\/(\d{4}) 00:00:00$/)
  .transform((value) => `${value.slice(6, 10)}-${value.slice(0, 2)}-${value.slice(3, 5)}`);

const ENTITY_TYPE_BY_LABEL: Readonly<Record<string, EntityType>> = {
  'local government': 'local_government',
  state: 'state',
  'non-profit': 'non_profit',
  'institution of higher education (ihe)': 'higher_education',
};

const entityType = z
  .string()
  .transform((value) => ENTITY_TYPE_BY_LABEL[value.trim().toLowerCase()])
  .pipe(z.enum(ENTITY_TYPES));

/** ZIP or ZIP+4 written without a dash in the FAC files. */
const facZip = z
  .string()
  .regex(/^\d{5}(\d{4})?$/)
  .transform((value) => (value.length === 9 ? `${value.slice(0, 5)}-${value.slice(5)}` : value));

/** One federal-award line of the Single Audit file. */
export const SingleAuditRowSchema = z
  .object({
    audit_year: year,
    dbkey: int,
    elec_audits_id: int,
    auditee_name: text,
    auditee_city: text,
    auditee_state: stateCode,
    auditee_zip: facZip,
    auditee_ein: z.string().regex(/^\d{9}$/),
    auditee_uei: z
      .string()
      .regex(/^([A-Z0-9]{12})?$/)
      .transform((value) => (value === '' ? null : value)),
    entity_type: entityType,
    fy_start_date: facDate,
    fy_end_date: facDate,
    auditee_total_federal_expenditures: money,
    oversight_agency: z
      .string()
      .regex(/^(\d{2})?$/)
      .transform((value) => (value === '' ? null : value)),
    fac_accepted_date: facDate,
    award_seq_num: int,
    aln: z.string().regex(/^\d{2}\.[0-9A-Z]{2,4}$/),
    federal_program_name: text,
    aln_catalog_title: optionalText,
    cluster_name: optionalText,
    amount_expended: money,
    program_total_expended: money,
    cluster_total_expended: z.union([z.literal('').transform(() => null), money]),
    direct_award: flag,
    passed_to_subrecipients: flag,
    amount_passed_to_subrecipients: money,
    award_identification: optionalText,
    major_program: flag,
    major_program_opinion: z
      .string()
      .regex(/^[A-Z]?$/)
      .transform((value) => (value === '' ? null : value)),
    findings_count: int,
    passthrough_entity_names: optionalText,
    passthrough_award_ids: optionalText,
    is_fhwa_highway_program: flag,
  })
  .strict();

export type SingleAuditRow = z.infer<typeof SingleAuditRowSchema>;

// USAspending files write null as `NA`; `readCsvRows` turns it into null before these run.
const na = z.null();
const naText = z.string().trim().min(1).max(4000).nullable();
const naState = stateCode.nullable();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** Leading zeros were lost upstream (`2472` for 02472); restore the fixed width. */
const padded = (width: number) =>
  z
    .string()
    .regex(new RegExp(`^\\d{1,${width}}$`))
    .transform((value) => value.padStart(width, '0'));

/** One contract transaction of the USAspending construction file. */
export const ContractTransactionRowSchema = z
  .object({
    transaction_id: int,
    action_date: isoDate,
    last_modified_date: isoDate,
    fiscal_year: year,
    type: z
      .string()
      .regex(/^[A-Z]$/)
      .nullable(),
    action_type: z
      .string()
      .regex(/^[A-Z]$/)
      .nullable(),
    award_id: int,
    award_category: z.literal('contract').nullable(),
    generated_pragmatic_obligation: money,
    total_obligation: money,
    total_subsidy_cost: na,
    total_loan_value: na,
    total_obl_bin: text,
    fain: na,
    uri: na,
    piid: z.string().regex(/^[A-Z0-9-]{1,64}$/),
    federal_action_obligation: money,
    original_loan_subsidy_cost: z.literal('0'),
    face_value_loan_guarantee: z.literal('0'),
    transaction_description: text,
    modification_number: z.string().regex(/^[A-Z0-9]{1,32}$/),
    pop_country_code: naText,
    pop_country_name: naText,
    pop_state_code: naState,
    pop_county_code: naText,
    pop_county_name: naText,
    pop_zip5: padded(5).nullable(),
    pop_congressional_code: naText,
    recipient_location_country_code: text,
    recipient_location_country_name: text,
    recipient_location_state_code: stateCode,
    recipient_location_county_code: naText,
    recipient_location_county_name: naText,
    recipient_location_congressional_code: naText,
    recipient_location_zip5: padded(5).nullable(),
    naics_code: z.string().regex(/^\d{6}$/),
    naics_description: naText,
    product_or_service_code: z.string().regex(/^[A-Z0-9]{4}$/),
    product_or_service_description: text,
    pulled_from: z.enum(['AWARD', 'IDV']),
    type_of_contract_pricing: z.string().regex(/^[A-Z0-9]{1,2}$/),
    type_set_aside: naText,
    extent_competed: z.string().regex(/^[A-Z0-9]{1,2}$/),
    cfda_number: na,
    cfda_title: na,
    recipient_id: int,
    // USAspending's hashes are UUID-shaped but not RFC 4122 (no version or variant bits).
    recipient_hash: z.string().regex(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/),
    recipient_name: text,
    recipient_unique_id: padded(9),
    parent_recipient_unique_id: padded(9).nullable(),
    business_categories: z
      .string()
      .regex(/^\{[a-z0-9_]+(,[a-z0-9_]+)*\}$/)
      .transform((value) => value.slice(1, -1).split(',').sort()),
    awarding_agency_id: int,
    funding_agency_id: int,
    awarding_toptier_agency_name: text,
    funding_toptier_agency_name: text,
    awarding_subtier_agency_name: text,
    funding_subtier_agency_name: text,
    awarding_toptier_agency_abbreviation: text,
    funding_toptier_agency_abbreviation: text,
    awarding_subtier_agency_abbreviation: text,
    funding_subtier_agency_abbreviation: text,
  })
  .strict();

export type ContractTransactionRow = z.infer<typeof ContractTransactionRowSchema>;

/** One account-quarter of the USAspending federal account file. */
export const AccountObligationRowSchema = z
  .object({
    Agency: text,
    Subagency: text,
    Title: text,
    federal_account_code: z.string().regex(/^\d{3}-\d{4}$/),
    q: z.enum(['1', '2', '3', '4']).transform(Number),
    fy: year,
    reporting_period_end: isoDate,
    Obligation: money,
    Unobligated: money,
  })
  .strict();
