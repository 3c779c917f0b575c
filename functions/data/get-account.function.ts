import { defineGetFunction } from './define-data-functions.js';
import { accountsResource } from './resources/accounts-resource.js';

/**
 * `GET /api/v1/accounts/{id}`: get one federal account, or 404 DATA_NOT_FOUND when it is absent or
 * outside the caller's divisions. Requires `records:read`; fields above clearance are dropped.
 */
defineGetFunction({
  name: 'data-get-account',
  route: 'v1/accounts/{id}',
  summary: 'Get one federal account',
  resource: accountsResource,
});
