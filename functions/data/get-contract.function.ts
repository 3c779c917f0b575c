import { defineGetFunction } from './define-data-functions.js';
import { contractsResource } from './resources/contracts-resource.js';

/**
 * `GET /api/v1/contracts/{id}`: get one prime contract, or 404 DATA_NOT_FOUND when it is absent or
 * outside the caller's divisions. Requires `records:read`; fields above clearance are dropped.
 */
defineGetFunction({
  name: 'data-get-contract',
  route: 'v1/contracts/{id}',
  summary: 'Get one prime contract',
  resource: contractsResource,
});
