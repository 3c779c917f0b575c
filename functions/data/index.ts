/**
 * The data capability's operations, for timers, queue handlers and tests. The HTTP functions
 * register themselves from their `*.function.ts` files, which `functions/index.ts` imports.
 */
export type { DataDeps } from './data-deps.js';
export { getRecord } from './operations/get-record.js';
export { listRecords, type RecordPage } from './operations/list-records.js';
export { unmaskRecipient } from './operations/unmask-recipient.js';
