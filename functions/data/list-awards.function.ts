import { defineListFunction } from './define-data-functions.js';
import { ListAwardsQuerySchema, awardsResource } from './resources/awards-resource.js';

/**
 * `GET /api/v1/awards`: list federal awards held by recipients in the caller's divisions, filtered and paged.
 * Requires `records:read`; fields above the caller's clearance are dropped.
 */
defineListFunction({
  name: 'data-list-awards',
  route: 'v1/awards',
  summary: 'List federal awards held by recipients',
  resource: awardsResource,
  query: ListAwardsQuerySchema,
  pageId: 'AwardPage',
});
