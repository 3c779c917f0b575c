import { defineListFunction } from './define-data-functions.js';
import {
  ListContractTransactionsQuerySchema,
  contractTransactionsResource,
} from './resources/contract-transactions-resource.js';

/**
 * `GET /api/v1/contract-transactions`: list contract actions in the caller's divisions, filtered and paged.
 * Requires `records:read`; fields above the caller's clearance are dropped.
 */
defineListFunction({
  name: 'data-list-contract-transactions',
  route: 'v1/contract-transactions',
  summary: 'List contract actions',
  resource: contractTransactionsResource,
  query: ListContractTransactionsQuerySchema,
  pageId: 'ContractTransactionPage',
});
