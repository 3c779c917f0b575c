import { defineListFunction } from './define-data-functions.js';
import { ListVendorsQuerySchema, vendorsResource } from './resources/vendors-resource.js';

/**
 * `GET /api/v1/vendors`: list contract vendors, in the caller's divisions.
 * Requires `records:read`; filtered, paged by cursor, fields above clearance dropped.
 */
defineListFunction({
  name: 'data-list-vendors',
  route: 'v1/vendors',
  summary: 'List contract vendors',
  resource: vendorsResource,
  query: ListVendorsQuerySchema,
  pageId: 'VendorPage',
});
