import { defineListFunction } from './define-data-functions.js';
import { ListAccountsQuerySchema, accountsResource } from './resources/accounts-resource.js';

/**
 * `GET /api/v1/accounts`: list federal appropriation accounts in the caller's divisions, filtered and paged.
 * Requires `records:read`; fields above the caller's clearance are dropped.
 */
defineListFunction({
  name: 'data-list-accounts',
  route: 'v1/accounts',
  summary: 'List federal appropriation accounts',
  resource: accountsResource,
  query: ListAccountsQuerySchema,
  pageId: 'AccountPage',
});
