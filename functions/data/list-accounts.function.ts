import { defineListFunction } from './define-data-functions.js';
import { ListAccountsQuerySchema, accountsResource } from './resources/accounts-resource.js';

/**
 * `GET /api/v1/accounts`: list federal appropriation accounts, in the caller's divisions.
 * Requires `records:read`; filtered, paged by cursor, fields above clearance dropped.
 */
defineListFunction({
  name: 'data-list-accounts',
  route: 'v1/accounts',
  summary: 'List federal appropriation accounts',
  resource: accountsResource,
  query: ListAccountsQuerySchema,
  pageId: 'AccountPage',
});
