import { defineGetFunction } from './define-data-functions.js';
import { vendorsResource } from './resources/vendors-resource.js';

/**
 * `GET /api/v1/vendors/{id}`: get one vendor, or 404 DATA_NOT_FOUND when it is absent or
 * outside the caller's divisions. Requires `records:read`; fields above clearance are dropped.
 */
defineGetFunction({
  name: 'data-get-vendor',
  route: 'v1/vendors/{id}',
  summary: 'Get one vendor',
  resource: vendorsResource,
});
