import { defineGetFunction } from './define-data-functions.js';
import { accountsResource } from './resources/accounts-resource.js';

/**
 * `GET /api/v1/accounts/{id}`: get one federal account. Requires `records:read`.
 * 404 DATA_NOT_FOUND when absent or outside the caller's divisions; fields above clearance dropped.
 */
defineGetFunction({
  name: 'data-get-account',
  route: 'v1/accounts/{id}',
  summary: 'Get one federal account',
  resource: accountsResource,
});
