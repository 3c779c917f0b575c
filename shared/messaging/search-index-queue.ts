import { z } from 'zod';

/**
 * The message contract between writers and the search indexer, which live in different
 * capabilities and so meet only here. Compatibility: a queue message format; add optional
 * fields only.
 */
export const SEARCH_INDEX_QUEUE = 'eds-search-index';

/** Largest batch of ids one message may name. */
export const MAX_INDEX_BATCH = 500;

/** Resources the search index holds, by their API names. */
export const SEARCHABLE_RESOURCES = [
  'awards',
  'expenditures',
  'recipients',
  'vendors',
  'contracts',
  'contract-transactions',
  'accounts',
] as const;

/**
 * A request to bring records of one resource up to date in the search index: each id that
 * exists is (re)indexed, each that no longer exists is removed. Writers send it after a change,
 * with the change's correlation id as the message id.
 */
export const IndexRecordsMessageSchema = z
  .object({
    resource: z.enum(SEARCHABLE_RESOURCES),
    ids: z.array(z.number().int().min(1).max(2147483647)).min(1).max(MAX_INDEX_BATCH),
  })
  .strict();
export type IndexRecordsMessage = z.infer<typeof IndexRecordsMessageSchema>;
