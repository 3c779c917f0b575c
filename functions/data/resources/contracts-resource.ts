import { z } from 'zod';

import type { DataResource } from '../data-resource.js';
import { amount, calendarDay } from '../item-values.js';
import { fiscalYear, listQuerySchema, recordId } from '../list-query-schema.js';

/** A prime contract award (USAspending award id) and where its work is performed. */
export const ContractSchema = z
  .object({
    id: z.number().int(),
    division: z.string(),
    vendorId: z.number().int(),
    piid: z.string(),
    awardType: z.string().nullable(),
    pulledFrom: z.string(),
    awardingAgency: z.string(),
    awardingSubagency: z.string(),
    awardingSubagencyCode: z.string(),
    fundingSubagency: z.string(),
    totalObligation: amount,
    totalObligationBin: z.string(),
    description: z.string(),
    naicsCode: z.string(),
    naicsDescription: z.string().nullable(),
    pscCode: z.string(),
    pscDescription: z.string(),
    pricingType: z.string(),
    setAside: z.string().nullable(),
    extentCompeted: z.string(),
    popState: z.string().nullable(),
    popCountyName: z.string().nullable(),
    popZip5: z.string().nullable(),
    popCongressionalDistrict: z.string().nullable(),
    firstActionDate: calendarDay,
    lastActionDate: calendarDay,
  });
export type Contract = z.infer<typeof ContractSchema>;

/** Who may read each field of a contract in clear. */
export const CONTRACT_FIELDS = {
  id: 'PUBLIC',
  division: 'PUBLIC',
  vendorId: 'PUBLIC',
  piid: 'PUBLIC',
  awardType: 'PUBLIC',
  pulledFrom: 'PUBLIC',
  awardingAgency: 'PUBLIC',
  awardingSubagency: 'PUBLIC',
  awardingSubagencyCode: 'PUBLIC',
  fundingSubagency: 'PUBLIC',
  totalObligation: 'INTERNAL',
  totalObligationBin: 'PUBLIC',
  description: 'INTERNAL',
  naicsCode: 'PUBLIC',
  naicsDescription: 'PUBLIC',
  pscCode: 'PUBLIC',
  pscDescription: 'PUBLIC',
  // Pricing and competition terms inform negotiating positions on follow-on work.
  pricingType: 'CONFIDENTIAL',
  setAside: 'INTERNAL',
  extentCompeted: 'CONFIDENTIAL',
  popState: 'PUBLIC',
  popCountyName: 'PUBLIC',
  popZip5: 'INTERNAL',
  popCongressionalDistrict: 'INTERNAL',
  firstActionDate: 'PUBLIC',
  lastActionDate: 'PUBLIC',
} as const satisfies DataResource<Contract, never>['fields'];

const ContractRowSchema = z.object({
  id: z.number().int(),
  division: z.string(),
  vendor_id: z.number().int(),
  piid: z.string(),
  award_type: z.string().nullable(),
  pulled_from: z.string(),
  awarding_agency: z.string(),
  awarding_subagency: z.string(),
  awarding_subagency_code: z.string(),
  funding_subagency: z.string(),
  total_obligation: z.string(),
  total_obligation_bin: z.string(),
  description: z.string(),
  naics_code: z.string(),
  naics_description: z.string().nullable(),
  psc_code: z.string(),
  psc_description: z.string(),
  pricing_type: z.string(),
  set_aside: z.string().nullable(),
  extent_competed: z.string(),
  pop_state: z.string().nullable(),
  pop_county_name: z.string().nullable(),
  pop_zip5: z.string().nullable(),
  pop_congressional_district: z.string().nullable(),
  first_action_date: z.string(),
  last_action_date: z.string(),
});
type ContractRow = z.infer<typeof ContractRowSchema>;

export const ListContractsQuerySchema = listQuerySchema(
  ['id', 'totalObligation', 'lastActionDate'],
  {
    fiscalYear: fiscalYear.optional(),
    vendorId: recordId.optional(),
    piid: z
      .string()
      .regex(/^[A-Z0-9-]{1,64}$/)
      .optional(),
    naicsCode: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
    pscCode: z
      .string()
      .regex(/^[A-Z0-9]{4}$/)
      .optional(),
    subagency: z
      .string()
      .regex(/^[A-Z]{2,8}$/)
      .optional()
      .meta({
        description:
          'The awarding subagency by its code, exactly (`FHWA`), as `awardingSubagencyCode` ' +
          'holds it; `/v1/accounts` takes the full name instead.',
      }),
  },
);
export type ListContractsQuery = z.infer<typeof ListContractsQuerySchema>;

export const contractsResource: DataResource<Contract, ListContractsQuery> = {
  noun: 'contracts',
  table: 'contracts',
  row: ContractRowSchema,
  item: ContractSchema,
  itemId: 'Contract',
  fields: CONTRACT_FIELDS,
  sorts: {
    id: { column: 'id', type: 'integer' },
    totalObligation: { column: 'total_obligation', type: 'numeric' },
    lastActionDate: { column: 'last_action_date', type: 'date' },
  },
  filters: (query, { eb }) => [
    ...(query.fiscalYear === undefined
      ? []
      : [
          eb.exists(
            eb
              .selectFrom('contract_transactions as t')
              .select(eb.lit(1).as('one'))
              .whereRef('t.contract_id', '=', 'contracts.id')
              .where('t.fiscal_year', '=', query.fiscalYear),
          ),
        ]),
    ...(query.vendorId === undefined ? [] : [eb('vendor_id', '=', query.vendorId)]),
    ...(query.piid === undefined ? [] : [eb('piid', '=', query.piid)]),
    ...(query.naicsCode === undefined ? [] : [eb('naics_code', '=', query.naicsCode)]),
    ...(query.pscCode === undefined ? [] : [eb('psc_code', '=', query.pscCode)]),
    ...(query.subagency === undefined ? [] : [eb('awarding_subagency_code', '=', query.subagency)]),
  ],
  toItem: (raw) => {
    const row = raw as ContractRow;
    return {
      id: row.id,
      division: row.division,
      vendorId: row.vendor_id,
      piid: row.piid,
      awardType: row.award_type,
      pulledFrom: row.pulled_from,
      awardingAgency: row.awarding_agency,
      awardingSubagency: row.awarding_subagency,
      awardingSubagencyCode: row.awarding_subagency_code,
      fundingSubagency: row.funding_subagency,
      totalObligation: row.total_obligation,
      totalObligationBin: row.total_obligation_bin,
      description: row.description,
      naicsCode: row.naics_code,
      naicsDescription: row.naics_description,
      pscCode: row.psc_code,
      pscDescription: row.psc_description,
      pricingType: row.pricing_type,
      setAside: row.set_aside,
      extentCompeted: row.extent_competed,
      popState: row.pop_state,
      popCountyName: row.pop_county_name,
      popZip5: row.pop_zip5,
      popCongressionalDistrict: row.pop_congressional_district,
      firstActionDate: row.first_action_date,
      lastActionDate: row.last_action_date,
    };
  },
};
