import { defineGetFunction } from './define-data-functions.js';
import { recipientsResource } from './resources/recipients-resource.js';

/**
 * `GET /api/v1/recipients/{id}`: get one recipient (EIN masked). Requires `records:read`.
 * 404 DATA_NOT_FOUND when absent or outside the caller's divisions; fields above clearance dropped.
 */
defineGetFunction({
  name: 'data-get-recipient',
  route: 'v1/recipients/{id}',
  summary: 'Get one recipient (EIN masked)',
  resource: recipientsResource,
});
