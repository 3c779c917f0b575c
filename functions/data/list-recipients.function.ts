import { defineListFunction } from './define-data-functions.js';
import { ListRecipientsQuerySchema, recipientsResource } from './resources/recipients-resource.js';

/**
 * `GET /api/v1/recipients`: list award recipients (EIN masked), in the caller's divisions.
 * Requires `records:read`; filtered, paged by cursor, fields above clearance dropped.
 */
defineListFunction({
  name: 'data-list-recipients',
  route: 'v1/recipients',
  summary: 'List award recipients (EIN masked)',
  resource: recipientsResource,
  query: ListRecipientsQuerySchema,
  pageId: 'RecipientPage',
});
