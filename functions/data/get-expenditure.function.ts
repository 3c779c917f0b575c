import { defineGetFunction } from './define-data-functions.js';
import { expendituresResource } from './resources/expenditures-resource.js';

/**
 * `GET /api/v1/expenditures/{id}`: get one expenditure line. Requires `records:read`.
 * 404 DATA_NOT_FOUND when absent or outside the caller's divisions; fields above clearance dropped.
 */
defineGetFunction({
  name: 'data-get-expenditure',
  route: 'v1/expenditures/{id}',
  summary: 'Get one expenditure line',
  resource: expendituresResource,
});
