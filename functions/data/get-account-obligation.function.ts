import { defineGetFunction } from './define-data-functions.js';
import { accountObligationsResource } from './resources/account-obligations-resource.js';

/**
 * `GET /api/v1/account-obligations/{id}`: get one quarterly account obligation, or 404 DATA_NOT_FOUND when it is absent or
 * outside the caller's divisions. Requires `records:read`; fields above clearance are dropped.
 */
defineGetFunction({
  name: 'data-get-account-obligation',
  route: 'v1/account-obligations/{id}',
  summary: 'Get one quarterly account obligation',
  resource: accountObligationsResource,
});
