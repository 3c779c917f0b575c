import { defineListFunction } from './define-data-functions.js';
import {
  ListExpendituresQuerySchema,
  expendituresResource,
} from './resources/expenditures-resource.js';

/**
 * `GET /api/v1/expenditures`: list Single Audit expenditure lines, in the caller's divisions.
 * Requires `records:read`; filtered, paged by cursor, fields above clearance dropped.
 */
defineListFunction({
  name: 'data-list-expenditures',
  route: 'v1/expenditures',
  summary: 'List Single Audit expenditure lines',
  resource: expendituresResource,
  query: ListExpendituresQuerySchema,
  pageId: 'ExpenditurePage',
});
