import { defineGetFunction } from './define-data-functions.js';
import { contractsResource } from './resources/contracts-resource.js';

/**
 * `GET /api/v1/contracts/{id}`: get one prime contract. Requires `records:read`.
 * 404 DATA_NOT_FOUND when absent or outside the caller's divisions; fields above clearance dropped.
 */
defineGetFunction({
  name: 'data-get-contract',
  route: 'v1/contracts/{id}',
  summary: 'Get one prime contract',
  resource: contractsResource,
});
