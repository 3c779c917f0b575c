import { defineListFunction } from './define-data-functions.js';
import {
  ListAccountObligationsQuerySchema,
  accountObligationsResource,
} from './resources/account-obligations-resource.js';

/**
 * `GET /api/v1/account-obligations`: list quarterly account obligations and balances in the caller's divisions, filtered and paged.
 * Requires `records:read`; fields above the caller's clearance are dropped.
 */
defineListFunction({
  name: 'data-list-account-obligations',
  route: 'v1/account-obligations',
  summary: 'List quarterly account obligations and balances',
  resource: accountObligationsResource,
  query: ListAccountObligationsQuerySchema,
  pageId: 'AccountObligationPage',
});
