import { z } from 'zod';

import type { DataResource } from '../data-resource.js';
import { fiscalYear, listQuerySchema } from '../list-query-schema.js';

/** A Treasury appropriation account; national, so filed under the DC (headquarters) division. */
export const AccountSchema = z
  .object({
    id: z.number().int(),
    division: z.string(),
    code: z.string(),
    title: z.string(),
    agency: z.string(),
    subagency: z.string(),
  });
export type Account = z.infer<typeof AccountSchema>;

/** Who may read each field of an account in clear. */
export const ACCOUNT_FIELDS = {
  id: 'PUBLIC',
  division: 'PUBLIC',
  code: 'PUBLIC',
  title: 'PUBLIC',
  agency: 'PUBLIC',
  subagency: 'PUBLIC',
} as const satisfies DataResource<Account, never>['fields'];

const AccountRowSchema = z.object({
  id: z.number().int(),
  division: z.string(),
  code: z.string(),
  title: z.string(),
  agency: z.string(),
  subagency: z.string(),
});
type AccountRow = z.infer<typeof AccountRowSchema>;

export const ListAccountsQuerySchema = listQuerySchema(['id', 'code'], {
  fiscalYear: fiscalYear.optional(),
  code: z
    .string()
    .regex(/^\d{3}-\d{4}$/)
    .optional(),
  subagency: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .meta({
      description:
        'The subagency by its full name, exactly and case-sensitive ' +
        '(`Federal Highway Administration`); `/v1/contracts` takes a code instead.',
    }),
});
export type ListAccountsQuery = z.infer<typeof ListAccountsQuerySchema>;

export const accountsResource: DataResource<Account, ListAccountsQuery> = {
  noun: 'accounts',
  table: 'accounts',
  row: AccountRowSchema,
  item: AccountSchema,
  itemId: 'Account',
  fields: ACCOUNT_FIELDS,
  sorts: {
    id: { column: 'id', type: 'integer' },
    code: { column: 'code', type: 'text' },
  },
  filters: (query, { eb }) => [
    ...(query.fiscalYear === undefined
      ? []
      : [
          eb.exists(
            eb
              .selectFrom('account_obligations as o')
              .select(eb.lit(1).as('one'))
              .whereRef('o.account_id', '=', 'accounts.id')
              .where('o.fiscal_year', '=', query.fiscalYear),
          ),
        ]),
    ...(query.code === undefined ? [] : [eb('code', '=', query.code)]),
    ...(query.subagency === undefined ? [] : [eb('subagency', '=', query.subagency)]),
  ],
  toItem: (raw) => {
    const row = raw as AccountRow;
    return {
      id: row.id,
      division: row.division,
      code: row.code,
      title: row.title,
      agency: row.agency,
      subagency: row.subagency,
    };
  },
};
