import { defineGetFunction } from './define-data-functions.js';
import { recipientsResource } from './resources/recipients-resource.js';

/**
 * `GET /api/v1/recipients/{id}`: get one recipient (EIN masked), or 404 DATA_NOT_FOUND when it is absent or
 * outside the caller's divisions. Requires `records:read`; fields above clearance are dropped.
 */
defineGetFunction({
  name: 'data-get-recipient',
  route: 'v1/recipients/{id}',
  summary: 'Get one recipient (EIN masked)',
  resource: recipientsResource,
});
