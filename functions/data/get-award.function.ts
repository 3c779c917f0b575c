import { defineGetFunction } from './define-data-functions.js';
import { awardsResource } from './resources/awards-resource.js';

/**
 * `GET /api/v1/awards/{id}`: get one federal award. Requires `records:read`.
 * 404 DATA_NOT_FOUND when absent or outside the caller's divisions; fields above clearance dropped.
 */
defineGetFunction({
  name: 'data-get-award',
  route: 'v1/awards/{id}',
  summary: 'Get one federal award',
  resource: awardsResource,
});
