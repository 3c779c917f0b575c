import { defineQueueFunction } from '../../shared/registry/define-background-functions.js';
import { getServices } from '../../shared/runtime/services.js';
import { IndexRecordsMessageSchema, SEARCH_INDEX_QUEUE } from './index-records-message.js';
import { getSearchIndex } from './search-deps.js';

/**
 * Queue `eds-search-index`: re-indexes the records a message names (`{ resource, ids }`).
 * Idempotent by construction (documents are keyed by resource and id), so a redelivery under
 * the same message id changes nothing. A malformed message fails every delivery and is
 * dead-lettered; it is never half-applied.
 */
defineQueueFunction({
  name: 'search-index-records',
  capability: 'search',
  queueName: SEARCH_INDEX_QUEUE,
  handler: async (message, meta) => {
    const services = await getServices();
    const parsed = IndexRecordsMessageSchema.safeParse(message);
    if (!parsed.success) {
      services.logger.warn('search.index_message_rejected', {
        queue: SEARCH_INDEX_QUEUE,
        messageId: meta.messageId,
        attempt: meta.deliveryCount,
      });
      throw new Error('Malformed search index message');
    }
    const index = await getSearchIndex();
    const result = await (
      await import('./operations/index-records.js')
    ).indexRecords({ db: services.db, index }, parsed.data);
    services.logger.info('search.records_indexed', {
      queue: SEARCH_INDEX_QUEUE,
      messageId: meta.messageId,
      resource: parsed.data.resource,
      count: result.indexed + result.removed,
    });
  },
});
