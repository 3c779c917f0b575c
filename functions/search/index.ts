/**
 * The search capability's message contract and operations, for writers that queue indexing
 * and for tests. The functions register themselves from their `*.function.ts` files.
 */
export {
  IndexRecordsMessageSchema,
  MAX_INDEX_BATCH,
  SEARCH_INDEX_QUEUE,
  type IndexRecordsMessage,
} from './index-records-message.js';
export { indexRecords, type IndexRecordsResult } from './operations/index-records.js';
export { SEARCH_RESOURCES, SEARCH_RESOURCE_NAMES } from './search-resources.js';
