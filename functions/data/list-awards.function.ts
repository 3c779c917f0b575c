import { defineListFunction } from './define-data-functions.js';
import { ListAwardsQuerySchema, awardsResource } from './resources/awards-resource.js';

/**
 * `GET /api/v1/awards`: list federal awards held by recipients, in the caller's divisions.
 * Requires `records:read`; filtered, paged by cursor, fields above clearance dropped.
 */
defineListFunction({
  name: 'data-list-awards',
  route: 'v1/awards',
  summary: 'List federal awards held by recipients',
  resource: awardsResource,
  query: ListAwardsQuerySchema,
  pageId: 'AwardPage',
});
