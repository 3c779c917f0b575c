import { defineGetFunction } from './define-data-functions.js';
import { contractTransactionsResource } from './resources/contract-transactions-resource.js';

/**
 * `GET /api/v1/contract-transactions/{id}`: get one contract action, with the `ETag` that
 * `PATCH /api/v1/obligations/{id}` names in `If-Match`. Requires `records:read`.
 * 404 DATA_NOT_FOUND when absent or outside the caller's divisions; fields above clearance dropped.
 */
defineGetFunction({
  name: 'data-get-contract-transaction',
  route: 'v1/contract-transactions/{id}',
  summary: 'Get one contract action',
  resource: contractTransactionsResource,
});
