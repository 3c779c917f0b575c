import { defineGetFunction } from './define-data-functions.js';
import { contractTransactionsResource } from './resources/contract-transactions-resource.js';

/**
 * `GET /api/v1/contract-transactions/{id}`: get one contract action, or 404 DATA_NOT_FOUND when it is absent or
 * outside the caller's divisions. Requires `records:read`; fields above clearance are dropped.
 */
defineGetFunction({
  name: 'data-get-contract-transaction',
  route: 'v1/contract-transactions/{id}',
  summary: 'Get one contract action',
  resource: contractTransactionsResource,
});
