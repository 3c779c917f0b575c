import { defineGetFunction } from './define-data-functions.js';
import { accountObligationsResource } from './resources/account-obligations-resource.js';

/**
 * `GET /api/v1/account-obligations/{id}`: get one quarterly account obligation.
 * Requires `records:read`. 404 DATA_NOT_FOUND when absent or outside the caller's
 * divisions; fields above clearance dropped.
 */
defineGetFunction({
  name: 'data-get-account-obligation',
  route: 'v1/account-obligations/{id}',
  summary: 'Get one quarterly account obligation',
  resource: accountObligationsResource,
});
