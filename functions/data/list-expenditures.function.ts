import { defineListFunction } from './define-data-functions.js';
import {
  ListExpendituresQuerySchema,
  expendituresResource,
} from './resources/expenditures-resource.js';

/**
 * `GET /api/v1/expenditures`: list Single Audit expenditure lines in the caller's divisions, filtered and paged.
 * Requires `records:read`; fields above the caller's clearance are dropped.
 */
defineListFunction({
  name: 'data-list-expenditures',
  route: 'v1/expenditures',
  summary: 'List Single Audit expenditure lines',
  resource: expendituresResource,
  query: ListExpendituresQuerySchema,
  pageId: 'ExpenditurePage',
});
