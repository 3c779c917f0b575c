import { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';

import { mssqlDialectFeatures } from '../../../shared/db/mssql/mssql-dialect-features.js';
import * as recording from '../../../shared/db/mssql/test-support/recording-mssql-dialect.js';
import { postgresDialectFeatures } from '../../../shared/db/postgres-dialect-features.js';
import { statementlessPostgres } from '../../../shared/db/test-support/statementless-postgres.js';
import type { Database } from '../../../shared/db/schema.js';
import type { DataResource, ListQueryBase } from '../data-resource.js';
import { encodeCursor, listScopeOf, type RecordCursor } from '../record-cursor.js';
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
import { EXPECTED_TSQL } from './fixtures/record-queries-tsql.js';

type AnyResource = DataResource<{ id: number }, ListQueryBase>;

const mssql = new Kysely<Database>({ dialect: recording.createRecordingMssqlDialect().dialect });
const postgres = statementlessPostgres();

type ListQuery = ListQueryBase & Record<string, unknown>;

/**
 * Every filter each list offers, a text search, a descending or ascending sort, and the item a
 * cursor resumes after (made into a cursor for that very list below).
 */
const LISTS: Record<
  string,
  { resource: unknown; query: ListQuery & { cursorAfter: Omit<RecordCursor, 'sortKey' | 'scope'> } }
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
      cursorAfter: { sortValue: '20.205', id: 42 },
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
      cursorAfter: { sortValue: '1500.25', id: 9 },
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
      cursorAfter: { sortValue: 'Arlington County', id: 11 },
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
      cursorAfter: { sortValue: 'Zeta Paving', id: 5 },
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
      cursorAfter: { sortValue: '250000.00', id: 77 },
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
      cursorAfter: { sortValue: '2020-03-31', id: 100 },
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
      cursorAfter: { sortValue: 12, id: 12 },
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
      cursorAfter: { sortValue: '2021-09-30', id: 30 },
      limit: 8,
    },
  },
};

/** The same lists, each with the cursor its own first page would have handed out. */
const QUERIES: Record<string, { resource: AnyResource; query: ListQuery }> = Object.fromEntries(
  Object.entries(LISTS).map(([noun, list]) => {
    const resource = list.resource as AnyResource;
    const { cursorAfter, ...filters } = list.query;
    const cursor = encodeCursor({
      sortKey: String(filters.sort),
      scope: listScopeOf(resource.noun, filters),
      ...cursorAfter,
    });
    return [noun, { resource, query: { ...filters, cursor } }];
  }),
);

const INJECTION = "'; DROP TABLE x;--";

function allText(...parts: string[]): string {
  return parts.join('\n');
}

describe('repository queries compiled for SQL Server', () => {
  for (const [noun, { resource, query }] of Object.entries(QUERIES)) {
    const expected = EXPECTED_TSQL[noun];

    it(`lists ${noun} with every filter as this exact T-SQL and parameters`, () => {
      const plan = buildListQuery(mssql, mssqlDialectFeatures, resource, query);
      const page = plan.page.compile();
      const count = plan.count.compile();
      expect(page.sql).toBe(expected?.page);
      expect(page.parameters).toEqual(expected?.pageParameters);
      expect(count.sql).toBe(expected?.count);
      expect(count.parameters).toEqual(expected?.countParameters);
    });

    it(`gets one ${noun} record by id as this exact T-SQL and parameters`, () => {
      const get = buildGetQuery(mssql, mssqlDialectFeatures, resource, 42).compile();
      expect(get.sql).toBe(expected?.get);
      expect(get.parameters).toEqual([42]);
    });

    it(`keeps hostile ${noun} text out of the SQL of both dialects`, () => {
      const hostile = { ...query, q: INJECTION, cursor: undefined, sort: undefined };
      for (const [db, dialect] of [
        [mssql, mssqlDialectFeatures],
        [postgres, postgresDialectFeatures],
      ] as const) {
        const plan = buildListQuery(db, dialect, resource, hostile);
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
    expect(Object.keys(EXPECTED_TSQL).sort()).toEqual(Object.keys(QUERIES).sort());
  });

  it('lists with no filter as a plain ascending id page of 51 rows', () => {
    const plan = buildListQuery(mssql, mssqlDialectFeatures, accountsResource as never, {});
    const page = plan.page.compile();
    expect(page.sql).toBe(
      [
        'select "id", "division", "code", "title", "agency", "subagency" from "accounts" order by',
        '"id" asc offset @1 rows fetch next @2 rows only',
      ].join(' '),
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
    const { resource, query } = QUERIES['vendors'] as { resource: AnyResource; query: ListQuery };
    const page = buildListQuery(postgres, postgresDialectFeatures, resource, query).page.compile();
    expect(page.sql).toBe(
      [
        'select "id", "division", "duns", "parent_duns", "name", "state", "county_name", "zip5",',
        '"congressional_district", "business_categories" from "vendors" where ("division" = $1 and',
        '"search" @@ plainto_tsquery(\'english\', $2) and exists (select 1 as "one" from',
        '"contracts" as "c" inner join "contract_transactions" as "t" on "t"."contract_id" =',
        '"c"."id" where "c"."vendor_id" = "vendors"."id" and "t"."fiscal_year" = $3) and "duns" =',
        '$4 and $5 = ANY ("business_categories") and ("name" < cast($6 as text) or ("name" =',
        'cast($7 as text) and "id" < $8))) order by "name" desc, "id" desc offset $9 fetch next',
        '$10 rows only',
      ].join(' '),
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
