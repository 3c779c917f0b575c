import { defineListFunction } from './define-data-functions.js';
import {
  ListContractTransactionsQuerySchema,
  contractTransactionsResource,
} from './resources/contract-transactions-resource.js';

/**
 * `GET /api/v1/contract-transactions`: list contract actions, in the caller's divisions.
 * Requires `records:read`; filtered, paged by cursor, fields above clearance dropped.
 */
defineListFunction({
  name: 'data-list-contract-transactions',
  route: 'v1/contract-transactions',
  summary: 'List contract actions',
  resource: contractTransactionsResource,
  query: ListContractTransactionsQuerySchema,
  pageId: 'ContractTransactionPage',
});
