import { defineGetFunction } from './define-data-functions.js';
import { vendorsResource } from './resources/vendors-resource.js';

/**
 * `GET /api/v1/vendors/{id}`: get one vendor, with the `ETag` an update's `If-Match` names.
 * Requires `records:read`.
 * 404 DATA_NOT_FOUND when absent or outside the caller's divisions; fields above clearance dropped.
 */
defineGetFunction({
  name: 'data-get-vendor',
  route: 'v1/vendors/{id}',
  summary: 'Get one vendor',
  resource: vendorsResource,
});
