import { z } from 'zod';

import type { DataResource } from '../data-resource.js';
import { fiscalYear, listQuerySchema } from '../list-query-schema.js';

/** A contractor paid under federal contracts, one per DUNS. */
export const VendorSchema = z
  .object({
    id: z.number().int(),
    division: z.string(),
    duns: z.string(),
    parentDuns: z.string().nullable(),
    name: z.string(),
    state: z.string(),
    countyName: z.string().nullable(),
    zip5: z.string().nullable(),
    congressionalDistrict: z.string().nullable(),
    businessCategories: z.array(z.string()),
  });
export type Vendor = z.infer<typeof VendorSchema>;

/** Who may read each field of a vendor in clear. */
export const VENDOR_FIELDS = {
  id: 'PUBLIC',
  division: 'PUBLIC',
  duns: 'PUBLIC',
  parentDuns: 'PUBLIC',
  name: 'PUBLIC',
  state: 'PUBLIC',
  countyName: 'PUBLIC',
  zip5: 'INTERNAL',
  congressionalDistrict: 'INTERNAL',
  // Ownership and disadvantaged-business designations are self-certified and sensitive.
  businessCategories: 'CONFIDENTIAL',
} as const satisfies DataResource<Vendor, never>['fields'];

const VendorRowSchema = z.object({
  id: z.number().int(),
  division: z.string(),
  duns: z.string(),
  parent_duns: z.string().nullable(),
  name: z.string(),
  state: z.string(),
  county_name: z.string().nullable(),
  zip5: z.string().nullable(),
  congressional_district: z.string().nullable(),
  business_categories: z.array(z.string()),
});
type VendorRow = z.infer<typeof VendorRowSchema>;

export const ListVendorsQuerySchema = listQuerySchema(['id', 'name'], {
  fiscalYear: fiscalYear.optional(),
  duns: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  businessCategory: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/)
    .optional(),
});
export type ListVendorsQuery = z.infer<typeof ListVendorsQuerySchema>;

export const vendorsResource: DataResource<Vendor, ListVendorsQuery> = {
  noun: 'vendors',
  table: 'vendors',
  row: VendorRowSchema,
  item: VendorSchema,
  itemId: 'Vendor',
  versioned: true,
  fields: VENDOR_FIELDS,
  sorts: {
    id: { column: 'id', type: 'integer' },
    name: { column: 'name', type: 'text' },
  },
  confidentialFilters: ['businessCategory'],
  filters: (query, { eb, dialect }) => [
    // Contracts are scoped on their own division: a vendor's year counts only visible actions.
    ...(query.fiscalYear === undefined
      ? []
      : [
          eb.exists(
            eb
              .selectFrom('contracts as c')
              .innerJoin('contract_transactions as t', 't.contract_id', 'c.id')
              .select(eb.lit(1).as('one'))
              .whereRef('c.vendor_id', '=', 'vendors.id')
              .where('t.fiscal_year', '=', query.fiscalYear),
          ),
        ]),
    ...(query.duns === undefined ? [] : [eb('duns', '=', query.duns)]),
    ...(query.businessCategory === undefined
      ? []
      : [dialect.hasElement('business_categories', query.businessCategory)]),
  ],
  toItem: (raw) => {
    const row = raw as VendorRow;
    return {
      id: row.id,
      division: row.division,
      duns: row.duns,
      parentDuns: row.parent_duns,
      name: row.name,
      state: row.state,
      countyName: row.county_name,
      zip5: row.zip5,
      congressionalDistrict: row.congressional_district,
      businessCategories: row.business_categories,
    };
  },
};
