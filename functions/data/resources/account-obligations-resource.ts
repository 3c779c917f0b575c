import { z } from 'zod';

import { queryInt } from '../../../shared/validation/query-int.js';
import type { DataResource } from '../data-resource.js';
import { amount, calendarDay } from '../item-values.js';
import { fiscalYear, listQuerySchema, recordId } from '../list-query-schema.js';

/** An account's fiscal-year-to-date obligations and unobligated balance at a quarter's end. */
export const AccountObligationSchema = z
  .object({
    id: z.number().int(),
    division: z.string(),
    accountId: z.number().int(),
    fiscalYear: z.number().int(),
    quarter: z.number().int(),
    periodEnd: calendarDay,
    obligation: amount,
    unobligated: amount,
  });
export type AccountObligation = z.infer<typeof AccountObligationSchema>;

/** Who may read each field of an account obligation in clear. */
export const ACCOUNT_OBLIGATION_FIELDS = {
  id: 'PUBLIC',
  division: 'PUBLIC',
  accountId: 'PUBLIC',
  fiscalYear: 'PUBLIC',
  quarter: 'PUBLIC',
  periodEnd: 'PUBLIC',
  obligation: 'INTERNAL',
  // Remaining balances shape apportionment requests before they are published.
  unobligated: 'CONFIDENTIAL',
} as const satisfies DataResource<AccountObligation, never>['fields'];

const AccountObligationRowSchema = z.object({
  id: z.number().int(),
  division: z.string(),
  account_id: z.number().int(),
  fiscal_year: z.number().int(),
  quarter: z.number().int(),
  period_end: z.string(),
  obligation: z.string(),
  unobligated: z.string(),
});
type AccountObligationRow = z.infer<typeof AccountObligationRowSchema>;

export const ListAccountObligationsQuerySchema = listQuerySchema(
  ['id', 'periodEnd', 'obligation'],
  {
    fiscalYear: fiscalYear.optional(),
    quarter: queryInt(1, 4).optional(),
    accountId: recordId.optional(),
  },
);
export type ListAccountObligationsQuery = z.infer<typeof ListAccountObligationsQuerySchema>;

export const accountObligationsResource: DataResource<
  AccountObligation,
  ListAccountObligationsQuery
> = {
  noun: 'account-obligations',
  table: 'account_obligations',
  row: AccountObligationRowSchema,
  item: AccountObligationSchema,
  itemId: 'AccountObligation',
  fields: ACCOUNT_OBLIGATION_FIELDS,
  sorts: {
    id: { column: 'id', type: 'integer' },
    periodEnd: { column: 'period_end', type: 'date' },
    obligation: { column: 'obligation', type: 'numeric' },
  },
  // Obligations have no text of their own: `q` searches the account's code, title and bureau.
  search: ({ eb, dialect }, text) =>
    eb.exists(
      eb
        .selectFrom('accounts as a')
        .select(eb.lit(1).as('one'))
        .whereRef('a.id', '=', 'account_obligations.account_id')
        .where(dialect.matchesText('a.search', text)),
    ),
  filters: (query, { eb }) => [
    ...(query.fiscalYear === undefined ? [] : [eb('fiscal_year', '=', query.fiscalYear)]),
    ...(query.quarter === undefined ? [] : [eb('quarter', '=', query.quarter)]),
    ...(query.accountId === undefined ? [] : [eb('account_id', '=', query.accountId)]),
  ],
  toItem: (raw) => {
    const row = raw as AccountObligationRow;
    return {
      id: row.id,
      division: row.division,
      accountId: row.account_id,
      fiscalYear: row.fiscal_year,
      quarter: row.quarter,
      periodEnd: row.period_end,
      obligation: row.obligation,
      unobligated: row.unobligated,
    };
  },
};
