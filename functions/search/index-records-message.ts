import { z } from 'zod';

import { SEARCH_RESOURCE_NAMES, type SearchResourceName } from './search-resources.js';

/** The Service Bus queue the search indexer reads. */
export const SEARCH_INDEX_QUEUE = 'eds-search-index';

/** Largest batch of ids one message may name. */
export const MAX_INDEX_BATCH = 500;

const names = SEARCH_RESOURCE_NAMES as unknown as [SearchResourceName, ...SearchResourceName[]];

/**
 * A request to bring records of one resource up to date in the search index: each id that
 * exists is (re)indexed, each that no longer exists is removed. Writers send it after a change,
 * with the change's id as the message id. Compatibility: a queue message format; add optional
 * fields only.
 */
export const IndexRecordsMessageSchema = z
  .object({
    resource: z.enum(names),
    ids: z.array(z.number().int().min(1).max(2147483647)).min(1).max(MAX_INDEX_BATCH),
  })
  .strict();
export type IndexRecordsMessage = z.infer<typeof IndexRecordsMessageSchema>;
