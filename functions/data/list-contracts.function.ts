import { defineListFunction } from './define-data-functions.js';
import { ListContractsQuerySchema, contractsResource } from './resources/contracts-resource.js';

/**
 * `GET /api/v1/contracts`: list prime contracts in the caller's divisions, filtered and paged.
 * Requires `records:read`; fields above the caller's clearance are dropped.
 */
defineListFunction({
  name: 'data-list-contracts',
  route: 'v1/contracts',
  summary: 'List prime contracts',
  resource: contractsResource,
  query: ListContractsQuerySchema,
  pageId: 'ContractPage',
});
