import { defineListFunction } from './define-data-functions.js';
import { ListContractsQuerySchema, contractsResource } from './resources/contracts-resource.js';

/**
 * `GET /api/v1/contracts`: list prime contracts, in the caller's divisions.
 * Requires `records:read`; filtered, paged by cursor, fields above clearance dropped.
 */
defineListFunction({
  name: 'data-list-contracts',
  route: 'v1/contracts',
  summary: 'List prime contracts',
  resource: contractsResource,
  query: ListContractsQuerySchema,
  pageId: 'ContractPage',
});
