import type { AuditTrail } from '../../shared/audit/audit-event.js';
import type { FieldCipher } from '../../shared/crypto/field-cipher.js';
import type { AppDatabase } from '../../shared/db/app-database.js';

/** What the data operations need; the runtime's services satisfy it as they are. */
export interface DataDeps {
  readonly db: AppDatabase;
  readonly cipher: FieldCipher;
  readonly audit: AuditTrail;
}
