import { defineListFunction } from './define-data-functions.js';
import { ListRecipientsQuerySchema, recipientsResource } from './resources/recipients-resource.js';

/**
 * `GET /api/v1/recipients`: list award recipients (EIN masked) in the caller's divisions, filtered and paged.
 * Requires `records:read`; fields above the caller's clearance are dropped.
 */
defineListFunction({
  name: 'data-list-recipients',
  route: 'v1/recipients',
  summary: 'List award recipients (EIN masked)',
  resource: recipientsResource,
  query: ListRecipientsQuerySchema,
  pageId: 'RecipientPage',
});
