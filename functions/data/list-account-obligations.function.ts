import { defineListFunction } from './define-data-functions.js';
import {
  ListAccountObligationsQuerySchema,
  accountObligationsResource,
} from './resources/account-obligations-resource.js';

/**
 * `GET /api/v1/account-obligations`: list quarterly account obligations and balances, in
 * the caller's divisions. Requires `records:read`; filtered, paged by cursor, fields above
 * clearance dropped.
 */
defineListFunction({
  name: 'data-list-account-obligations',
  route: 'v1/account-obligations',
  summary: 'List quarterly account obligations and balances',
  resource: accountObligationsResource,
  query: ListAccountObligationsQuerySchema,
  pageId: 'AccountObligationPage',
});
