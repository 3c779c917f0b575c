import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';

import { mssqlDialectFeatures } from '../../../shared/db/mssql/mssql-dialect-features.js';
import { createRecordingMssqlDialect } from '../../../shared/db/mssql/test-support/recording-mssql-dialect.js';
import { postgresDialectFeatures } from '../../../shared/db/postgres-dialect-features.js';
import type { Database } from '../../../shared/db/schema.js';
import type { DataResource, ListQueryBase } from '../data-resource.js';
import { encodeCursor } from '../record-cursor.js';
import { accountObligationsResource } from '../resources/account-obligations-resource.js';
import { accountsResource } from '../resources/accounts-resource.js';
import { awardsResource } from '../resources/awards-resource.js';
import { contractTransactionsResource } from '../resources/contract-transactions-resource.js';
import { contractsResource } from '../resources/contracts-resource.js';
import { expendituresResource } from '../resources/expenditures-resource.js';
import { recipientsResource } from '../resources/recipients-resource.js';
import { vendorsResource } from '../resources/vendors-resource.js';
import { buildGetQuery } from './build-get-query.js';
import { buildListQuery } from './build-list-query.js';
import { buildRecipientCipherQuery } from './build-recipient-cipher-query.js';

type AnyResource = DataResource<{ id: number }, ListQueryBase>;

const mssql = new Kysely<Database>({ dialect: createRecordingMssqlDialect().dialect });
const postgres = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** Every filter each list offers, a text search, a descending or ascending sort and a cursor. */
const QUERIES: Record<
  string,
  { resource: unknown; query: ListQueryBase & Record<string, unknown> }
> = {
  awards: {
    resource: awardsResource,
    query: {
      q: 'highway bridge',
      division: 'DC',
      aln: '20.205',
      fiscalYear: 2019,
      recipientId: 7,
      directAward: true,
      highwayProgram: false,
      sort: '-aln',
      cursor: encodeCursor({ sortKey: '-aln', sortValue: '20.205', id: 42 }),
      limit: 25,
    },
  },
  expenditures: {
    resource: expendituresResource,
    query: {
      q: 'planning',
      division: 'MD',
      aln: '20.205',
      fiscalYear: 2018,
      auditYear: 2019,
      awardId: 3,
      recipientId: 4,
      majorProgram: true,
      hasFindings: true,
      sort: 'amountExpended',
      cursor: encodeCursor({ sortKey: 'amountExpended', sortValue: '1500.25', id: 9 }),
    },
  },
  recipients: {
    resource: recipientsResource,
    query: {
      q: 'Springfield',
      division: 'VA',
      aln: '20.205',
      fiscalYear: 2020,
      entityType: 'state',
      sort: 'name',
      cursor: encodeCursor({ sortKey: 'name', sortValue: 'Arlington County', id: 11 }),
      limit: 10,
    },
  },
  vendors: {
    resource: vendorsResource,
    query: {
      q: 'paving',
      division: 'DC',
      fiscalYear: 2021,
      duns: '123456789',
      businessCategory: 'small_business',
      sort: '-name',
      cursor: encodeCursor({ sortKey: '-name', sortValue: 'Zeta Paving', id: 5 }),
      limit: 10,
    },
  },
  contracts: {
    resource: contractsResource,
    query: {
      q: 'resurfacing',
      division: 'DC',
      fiscalYear: 2020,
      vendorId: 2,
      piid: 'DTFH6115C00001',
      naicsCode: '237310',
      pscCode: 'Z2LB',
      subagency: '6925',
      sort: '-totalObligation',
      cursor: encodeCursor({ sortKey: '-totalObligation', sortValue: '250000.00', id: 77 }),
      limit: 20,
    },
  },
  'contract-transactions': {
    resource: contractTransactionsResource,
    query: {
      q: 'modification',
      division: 'DC',
      fiscalYear: 2020,
      contractId: 8,
      actionType: 'B',
      sort: 'actionDate',
      cursor: encodeCursor({ sortKey: 'actionDate', sortValue: '2020-03-31', id: 100 }),
      limit: 50,
    },
  },
  accounts: {
    resource: accountsResource,
    query: {
      q: 'highways',
      division: 'DC',
      fiscalYear: 2021,
      code: '069-8083',
      subagency: 'Federal Highway Administration',
      sort: '-id',
      cursor: encodeCursor({ sortKey: '-id', sortValue: 12, id: 12 }),
      limit: 5,
    },
  },
  'account-obligations': {
    resource: accountObligationsResource,
    query: {
      q: 'highways',
      division: 'DC',
      fiscalYear: 2021,
      quarter: 4,
      accountId: 1,
      sort: '-periodEnd',
      cursor: encodeCursor({ sortKey: '-periodEnd', sortValue: '2021-09-30', id: 30 }),
      limit: 8,
    },
  },
};

/** The exact T-SQL Kysely's SQL Server compiler produces for each query above. */
const EXPECTED: Record<
  string,
  {
    page: string;
    pageParameters: unknown[];
    count: string;
    countParameters: unknown[];
    get: string;
  }
> = {
  awards: {
    page: 'select "id", "division", "recipient_id", "aln", "program_name", "catalog_title", "cluster_name", "award_identification", "direct_award", "passthrough_entities", "passthrough_award_ids", "is_fhwa_highway_program", "first_audit_year", "last_audit_year" from "awards" where ("division" = @1 and CONTAINS("search", @2) and "aln" = @3 and exists (select 1 as "one" from "expenditures" as "e" where "e"."award_id" = "awards"."id" and "e"."fiscal_year" = @4) and "recipient_id" = @5 and "direct_award" = @6 and "is_fhwa_highway_program" = @7 and ("aln" < cast(@8 as nvarchar(500)) or ("aln" = cast(@9 as nvarchar(500)) and "id" < @10))) order by "aln" desc, "id" desc offset @11 rows fetch next @12 rows only',
    pageParameters: [
      'DC',
      'FORMSOF(INFLECTIONAL, "highway") AND FORMSOF(INFLECTIONAL, "bridge")',
      '20.205',
      2019,
      7,
      true,
      false,
      '20.205',
      '20.205',
      42,
      0,
      26,
    ],
    count:
      'select cast(count(*) as integer) as "n" from "awards" where ("division" = @1 and CONTAINS("search", @2) and "aln" = @3 and exists (select 1 as "one" from "expenditures" as "e" where "e"."award_id" = "awards"."id" and "e"."fiscal_year" = @4) and "recipient_id" = @5 and "direct_award" = @6 and "is_fhwa_highway_program" = @7)',
    countParameters: [
      'DC',
      'FORMSOF(INFLECTIONAL, "highway") AND FORMSOF(INFLECTIONAL, "bridge")',
      '20.205',
      2019,
      7,
      true,
      false,
    ],
    get: 'select "id", "division", "recipient_id", "aln", "program_name", "catalog_title", "cluster_name", "award_identification", "direct_award", "passthrough_entities", "passthrough_award_ids", "is_fhwa_highway_program", "first_audit_year", "last_audit_year" from "awards" where "id" = @1',
  },
  expenditures: {
    page: 'select "id", "division", "award_id", "recipient_id", "aln", "dbkey", "audit_year", "fiscal_year", CONVERT(char(10), "fiscal_period_start", 23) as "fiscal_period_start", CONVERT(char(10), "fiscal_period_end", 23) as "fiscal_period_end", CONVERT(char(10), "fac_accepted_date", 23) as "fac_accepted_date", "program_name", CONVERT(varchar(40), "amount_expended") as "amount_expended", CONVERT(varchar(40), "program_total_expended") as "program_total_expended", CONVERT(varchar(40), "cluster_total_expended") as "cluster_total_expended", CONVERT(varchar(40), "auditee_total_federal_expenditures") as "auditee_total_federal_expenditures", "passed_to_subrecipients", CONVERT(varchar(40), "amount_passed_to_subrecipients") as "amount_passed_to_subrecipients", "major_program", "major_program_opinion", "findings_count", "oversight_agency" from "expenditures" where ("division" = @1 and CONTAINS("search", @2) and "aln" = @3 and "fiscal_year" = @4 and "audit_year" = @5 and "award_id" = @6 and "recipient_id" = @7 and "major_program" = @8 and "findings_count" > @9 and ("amount_expended" > cast(@10 as decimal(20, 4)) or ("amount_expended" = cast(@11 as decimal(20, 4)) and "id" > @12))) order by "amount_expended" asc, "id" asc offset @13 rows fetch next @14 rows only',
    pageParameters: [
      'MD',
      'FORMSOF(INFLECTIONAL, "planning")',
      '20.205',
      2018,
      2019,
      3,
      4,
      true,
      0,
      '1500.25',
      '1500.25',
      9,
      0,
      51,
    ],
    count:
      'select cast(count(*) as integer) as "n" from "expenditures" where ("division" = @1 and CONTAINS("search", @2) and "aln" = @3 and "fiscal_year" = @4 and "audit_year" = @5 and "award_id" = @6 and "recipient_id" = @7 and "major_program" = @8 and "findings_count" > @9)',
    countParameters: [
      'MD',
      'FORMSOF(INFLECTIONAL, "planning")',
      '20.205',
      2018,
      2019,
      3,
      4,
      true,
      0,
    ],
    get: 'select "id", "division", "award_id", "recipient_id", "aln", "dbkey", "audit_year", "fiscal_year", CONVERT(char(10), "fiscal_period_start", 23) as "fiscal_period_start", CONVERT(char(10), "fiscal_period_end", 23) as "fiscal_period_end", CONVERT(char(10), "fac_accepted_date", 23) as "fac_accepted_date", "program_name", CONVERT(varchar(40), "amount_expended") as "amount_expended", CONVERT(varchar(40), "program_total_expended") as "program_total_expended", CONVERT(varchar(40), "cluster_total_expended") as "cluster_total_expended", CONVERT(varchar(40), "auditee_total_federal_expenditures") as "auditee_total_federal_expenditures", "passed_to_subrecipients", CONVERT(varchar(40), "amount_passed_to_subrecipients") as "amount_passed_to_subrecipients", "major_program", "major_program_opinion", "findings_count", "oversight_agency" from "expenditures" where "id" = @1',
  },
  recipients: {
    page: 'select "id", "division", "name", "city", "state", "zip", "uei", "entity_type", "ein_last4" from "recipients" where ("division" = @1 and CONTAINS("search", @2) and exists (select 1 as "one" from "awards" as "a" where "a"."recipient_id" = "recipients"."id" and "a"."aln" = @3) and exists (select 1 as "one" from "expenditures" as "e" where "e"."recipient_id" = "recipients"."id" and "e"."fiscal_year" = @4) and "entity_type" = @5 and ("name" > cast(@6 as nvarchar(500)) or ("name" = cast(@7 as nvarchar(500)) and "id" > @8))) order by "name" asc, "id" asc offset @9 rows fetch next @10 rows only',
    pageParameters: [
      'VA',
      'FORMSOF(INFLECTIONAL, "Springfield")',
      '20.205',
      2020,
      'state',
      'Arlington County',
      'Arlington County',
      11,
      0,
      11,
    ],
    count:
      'select cast(count(*) as integer) as "n" from "recipients" where ("division" = @1 and CONTAINS("search", @2) and exists (select 1 as "one" from "awards" as "a" where "a"."recipient_id" = "recipients"."id" and "a"."aln" = @3) and exists (select 1 as "one" from "expenditures" as "e" where "e"."recipient_id" = "recipients"."id" and "e"."fiscal_year" = @4) and "entity_type" = @5)',
    countParameters: ['VA', 'FORMSOF(INFLECTIONAL, "Springfield")', '20.205', 2020, 'state'],
    get: 'select "id", "division", "name", "city", "state", "zip", "uei", "entity_type", "ein_last4" from "recipients" where "id" = @1',
  },
  vendors: {
    page: 'select "id", "division", "duns", "parent_duns", "name", "state", "county_name", "zip5", "congressional_district", "business_categories" from "vendors" where ("division" = @1 and CONTAINS("search", @2) and exists (select 1 as "one" from "contracts" as "c" inner join "contract_transactions" as "t" on "t"."contract_id" = "c"."id" where "c"."vendor_id" = "vendors"."id" and "t"."fiscal_year" = @3) and "duns" = @4 and EXISTS (SELECT 1 FROM OPENJSON("business_categories") WHERE [value] = @5) and ("name" < cast(@6 as nvarchar(500)) or ("name" = cast(@7 as nvarchar(500)) and "id" < @8))) order by "name" desc, "id" desc offset @9 rows fetch next @10 rows only',
    pageParameters: [
      'DC',
      'FORMSOF(INFLECTIONAL, "paving")',
      2021,
      '123456789',
      'small_business',
      'Zeta Paving',
      'Zeta Paving',
      5,
      0,
      11,
    ],
    count:
      'select cast(count(*) as integer) as "n" from "vendors" where ("division" = @1 and CONTAINS("search", @2) and exists (select 1 as "one" from "contracts" as "c" inner join "contract_transactions" as "t" on "t"."contract_id" = "c"."id" where "c"."vendor_id" = "vendors"."id" and "t"."fiscal_year" = @3) and "duns" = @4 and EXISTS (SELECT 1 FROM OPENJSON("business_categories") WHERE [value] = @5))',
    countParameters: ['DC', 'FORMSOF(INFLECTIONAL, "paving")', 2021, '123456789', 'small_business'],
    get: 'select "id", "division", "duns", "parent_duns", "name", "state", "county_name", "zip5", "congressional_district", "business_categories" from "vendors" where "id" = @1',
  },
  contracts: {
    page: 'select "id", "division", "vendor_id", "piid", "award_type", "pulled_from", "awarding_agency", "awarding_subagency", "awarding_subagency_code", "funding_subagency", CONVERT(varchar(40), "total_obligation") as "total_obligation", "total_obligation_bin", "description", "naics_code", "naics_description", "psc_code", "psc_description", "pricing_type", "set_aside", "extent_competed", "pop_state", "pop_county_name", "pop_zip5", "pop_congressional_district", CONVERT(char(10), "first_action_date", 23) as "first_action_date", CONVERT(char(10), "last_action_date", 23) as "last_action_date" from "contracts" where ("division" = @1 and CONTAINS("search", @2) and exists (select 1 as "one" from "contract_transactions" as "t" where "t"."contract_id" = "contracts"."id" and "t"."fiscal_year" = @3) and "vendor_id" = @4 and "piid" = @5 and "naics_code" = @6 and "psc_code" = @7 and "awarding_subagency_code" = @8 and ("total_obligation" < cast(@9 as decimal(20, 4)) or ("total_obligation" = cast(@10 as decimal(20, 4)) and "id" < @11))) order by "total_obligation" desc, "id" desc offset @12 rows fetch next @13 rows only',
    pageParameters: [
      'DC',
      'FORMSOF(INFLECTIONAL, "resurfacing")',
      2020,
      2,
      'DTFH6115C00001',
      '237310',
      'Z2LB',
      '6925',
      '250000.00',
      '250000.00',
      77,
      0,
      21,
    ],
    count:
      'select cast(count(*) as integer) as "n" from "contracts" where ("division" = @1 and CONTAINS("search", @2) and exists (select 1 as "one" from "contract_transactions" as "t" where "t"."contract_id" = "contracts"."id" and "t"."fiscal_year" = @3) and "vendor_id" = @4 and "piid" = @5 and "naics_code" = @6 and "psc_code" = @7 and "awarding_subagency_code" = @8)',
    countParameters: [
      'DC',
      'FORMSOF(INFLECTIONAL, "resurfacing")',
      2020,
      2,
      'DTFH6115C00001',
      '237310',
      'Z2LB',
      '6925',
    ],
    get: 'select "id", "division", "vendor_id", "piid", "award_type", "pulled_from", "awarding_agency", "awarding_subagency", "awarding_subagency_code", "funding_subagency", CONVERT(varchar(40), "total_obligation") as "total_obligation", "total_obligation_bin", "description", "naics_code", "naics_description", "psc_code", "psc_description", "pricing_type", "set_aside", "extent_competed", "pop_state", "pop_county_name", "pop_zip5", "pop_congressional_district", CONVERT(char(10), "first_action_date", 23) as "first_action_date", CONVERT(char(10), "last_action_date", 23) as "last_action_date" from "contracts" where "id" = @1',
  },
  'contract-transactions': {
    page: 'select "id", "division", "contract_id", CONVERT(char(10), "action_date", 23) as "action_date", CONVERT(char(10), "last_modified_date", 23) as "last_modified_date", "fiscal_year", "action_type", "modification_number", CONVERT(varchar(40), "federal_action_obligation") as "federal_action_obligation", "description" from "contract_transactions" where ("division" = @1 and CONTAINS("search", @2) and "fiscal_year" = @3 and "contract_id" = @4 and "action_type" = @5 and ("action_date" > cast(@6 as date) or ("action_date" = cast(@7 as date) and "id" > @8))) order by "action_date" asc, "id" asc offset @9 rows fetch next @10 rows only',
    pageParameters: [
      'DC',
      'FORMSOF(INFLECTIONAL, "modification")',
      2020,
      8,
      'B',
      '2020-03-31',
      '2020-03-31',
      100,
      0,
      51,
    ],
    count:
      'select cast(count(*) as integer) as "n" from "contract_transactions" where ("division" = @1 and CONTAINS("search", @2) and "fiscal_year" = @3 and "contract_id" = @4 and "action_type" = @5)',
    countParameters: ['DC', 'FORMSOF(INFLECTIONAL, "modification")', 2020, 8, 'B'],
    get: 'select "id", "division", "contract_id", CONVERT(char(10), "action_date", 23) as "action_date", CONVERT(char(10), "last_modified_date", 23) as "last_modified_date", "fiscal_year", "action_type", "modification_number", CONVERT(varchar(40), "federal_action_obligation") as "federal_action_obligation", "description" from "contract_transactions" where "id" = @1',
  },
  accounts: {
    page: 'select "id", "division", "code", "title", "agency", "subagency" from "accounts" where ("division" = @1 and CONTAINS("search", @2) and exists (select 1 as "one" from "account_obligations" as "o" where "o"."account_id" = "accounts"."id" and "o"."fiscal_year" = @3) and "code" = @4 and "subagency" = @5 and "id" < @6) order by "id" desc offset @7 rows fetch next @8 rows only',
    pageParameters: [
      'DC',
      'FORMSOF(INFLECTIONAL, "highways")',
      2021,
      '069-8083',
      'Federal Highway Administration',
      12,
      0,
      6,
    ],
    count:
      'select cast(count(*) as integer) as "n" from "accounts" where ("division" = @1 and CONTAINS("search", @2) and exists (select 1 as "one" from "account_obligations" as "o" where "o"."account_id" = "accounts"."id" and "o"."fiscal_year" = @3) and "code" = @4 and "subagency" = @5)',
    countParameters: [
      'DC',
      'FORMSOF(INFLECTIONAL, "highways")',
      2021,
      '069-8083',
      'Federal Highway Administration',
    ],
    get: 'select "id", "division", "code", "title", "agency", "subagency" from "accounts" where "id" = @1',
  },
  'account-obligations': {
    page: 'select "id", "division", "account_id", "fiscal_year", "quarter", CONVERT(char(10), "period_end", 23) as "period_end", CONVERT(varchar(40), "obligation") as "obligation", CONVERT(varchar(40), "unobligated") as "unobligated" from "account_obligations" where ("division" = @1 and exists (select 1 as "one" from "accounts" as "a" where "a"."id" = "account_obligations"."account_id" and CONTAINS("a"."search", @2)) and "fiscal_year" = @3 and "quarter" = @4 and "account_id" = @5 and ("period_end" < cast(@6 as date) or ("period_end" = cast(@7 as date) and "id" < @8))) order by "period_end" desc, "id" desc offset @9 rows fetch next @10 rows only',
    pageParameters: [
      'DC',
      'FORMSOF(INFLECTIONAL, "highways")',
      2021,
      4,
      1,
      '2021-09-30',
      '2021-09-30',
      30,
      0,
      9,
    ],
    count:
      'select cast(count(*) as integer) as "n" from "account_obligations" where ("division" = @1 and exists (select 1 as "one" from "accounts" as "a" where "a"."id" = "account_obligations"."account_id" and CONTAINS("a"."search", @2)) and "fiscal_year" = @3 and "quarter" = @4 and "account_id" = @5)',
    countParameters: ['DC', 'FORMSOF(INFLECTIONAL, "highways")', 2021, 4, 1],
    get: 'select "id", "division", "account_id", "fiscal_year", "quarter", CONVERT(char(10), "period_end", 23) as "period_end", CONVERT(varchar(40), "obligation") as "obligation", CONVERT(varchar(40), "unobligated") as "unobligated" from "account_obligations" where "id" = @1',
  },
};

const INJECTION = "'; DROP TABLE x;--";

function allText(...parts: string[]): string {
  return parts.join('\n');
}

describe('repository queries compiled for SQL Server', () => {
  for (const [noun, { resource, query }] of Object.entries(QUERIES)) {
    const expected = EXPECTED[noun];

    it(`lists ${noun} with every filter as this exact T-SQL and parameters`, () => {
      const plan = buildListQuery(mssql, mssqlDialectFeatures, resource as AnyResource, query);
      const page = plan.page.compile();
      const count = plan.count.compile();
      expect(page.sql).toBe(expected?.page);
      expect(page.parameters).toEqual(expected?.pageParameters);
      expect(count.sql).toBe(expected?.count);
      expect(count.parameters).toEqual(expected?.countParameters);
    });

    it(`gets one ${noun} record by id as this exact T-SQL and parameters`, () => {
      const get = buildGetQuery(mssql, mssqlDialectFeatures, resource as AnyResource, 42).compile();
      expect(get.sql).toBe(expected?.get);
      expect(get.parameters).toEqual([42]);
    });

    it(`keeps hostile ${noun} text out of the SQL of both dialects`, () => {
      const hostile = { ...query, q: INJECTION, cursor: undefined, sort: undefined };
      for (const [db, dialect] of [
        [mssql, mssqlDialectFeatures],
        [postgres, postgresDialectFeatures],
      ] as const) {
        const plan = buildListQuery(db, dialect, resource as AnyResource, hostile);
        const page = plan.page.compile();
        const count = plan.count.compile();
        expect(allText(page.sql, count.sql)).not.toContain('DROP');
        expect(allText(page.sql, count.sql)).not.toContain("';");
        expect(JSON.stringify(page.parameters)).toContain('DROP');
      }
    });
  }

  it('covers every resource', () => {
    expect(Object.keys(QUERIES)).toHaveLength(8);
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(QUERIES).sort());
  });

  it('lists with no filter as a plain ascending id page of 51 rows', () => {
    const plan = buildListQuery(mssql, mssqlDialectFeatures, accountsResource as never, {});
    const page = plan.page.compile();
    expect(page.sql).toBe(
      'select "id", "division", "code", "title", "agency", "subagency" from "accounts" order by "id" asc offset @1 rows fetch next @2 rows only',
    );
    expect(page.parameters).toEqual([0, 51]);
    expect(plan.count.compile().sql).toBe(
      'select cast(count(*) as integer) as "n" from "accounts"',
    );
  });

  it('matches nothing, with no parameter, when the search text has no words', () => {
    const plan = buildListQuery(mssql, mssqlDialectFeatures, awardsResource as never, {
      q: "'%_--",
    });
    const count = plan.count.compile();
    expect(count.sql).toBe('select cast(count(*) as integer) as "n" from "awards" where 1 = 0');
    expect(count.parameters).toEqual([]);
  });

  it('looks up the EIN envelope for unmasking as this exact T-SQL and parameters', () => {
    const lookup = buildRecipientCipherQuery(mssql, 42).compile();
    expect(lookup.sql).toBe('select "id", "ein_ciphertext" from "recipients" where "id" = @1');
    expect(lookup.parameters).toEqual([42]);
  });

  it('keeps the same query shape for Postgres, with its own full-text match and casts', () => {
    const { resource, query } = QUERIES['vendors'] as { resource: unknown; query: ListQueryBase };
    const page = buildListQuery(
      postgres,
      postgresDialectFeatures,
      resource as AnyResource,
      query,
    ).page.compile();
    expect(page.sql).toBe(
      'select "id", "division", "duns", "parent_duns", "name", "state", "county_name", "zip5", "congressional_district", "business_categories" from "vendors" where ("division" = $1 and "search" @@ plainto_tsquery(\'english\', $2) and exists (select 1 as "one" from "contracts" as "c" inner join "contract_transactions" as "t" on "t"."contract_id" = "c"."id" where "c"."vendor_id" = "vendors"."id" and "t"."fiscal_year" = $3) and "duns" = $4 and $5 = ANY ("business_categories") and ("name" < cast($6 as text) or ("name" = cast($7 as text) and "id" < $8))) order by "name" desc, "id" desc offset $9 fetch next $10 rows only',
    );
    expect(page.parameters).toEqual([
      'DC',
      'paving',
      2021,
      '123456789',
      'small_business',
      'Zeta Paving',
      'Zeta Paving',
      5,
      0,
      11,
    ]);
  });
});
