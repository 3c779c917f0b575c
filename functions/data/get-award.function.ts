import { defineGetFunction } from './define-data-functions.js';
import { awardsResource } from './resources/awards-resource.js';

/**
 * `GET /api/v1/awards/{id}`: get one federal award, or 404 DATA_NOT_FOUND when it is absent or
 * outside the caller's divisions. Requires `records:read`; fields above clearance are dropped.
 */
defineGetFunction({
  name: 'data-get-award',
  route: 'v1/awards/{id}',
  summary: 'Get one federal award',
  resource: awardsResource,
});
