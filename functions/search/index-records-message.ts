/** The indexer's message contract, defined with the writers in `shared/messaging`. */
export {
  IndexRecordsMessageSchema,
  SEARCH_INDEX_QUEUE,
  type IndexRecordsMessage,
} from '../../shared/messaging/search-index-queue.js';
