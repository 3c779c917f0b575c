import type { AuditTrail } from '../../../shared/audit/audit-event.js';
import type { AppDatabase } from '../../../shared/db/app-database.js';
import type { Logger } from '../../../shared/logging/logger.js';
import type { MessageSender } from '../../../shared/runtime/services.js';

/** What the write operations need; the runtime's services satisfy it as they are. */
export interface WriteDeps {
  readonly db: AppDatabase;
  readonly audit: AuditTrail;
  readonly logger: Logger;
  /** Where a committed change asks the search indexer to refresh the record. */
  readonly messages?: MessageSender;
  /** The clock for `last_modified_date`; the system clock when absent. */
  readonly now?: () => Date;
}
