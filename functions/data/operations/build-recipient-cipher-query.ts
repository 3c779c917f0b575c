import type { Kysely } from 'kysely';

import type { Database } from '../../../shared/db/schema.js';

/**
 * The lookup of {@link unmaskRecipient}: a recipient's id and EIN envelope. Dialect-neutral;
 * run it inside `withScope`, where row-level security limits it to the caller's divisions.
 */
export function buildRecipientCipherQuery(db: Kysely<Database>, id: number) {
  return db.selectFrom('recipients').select(['id', 'ein_ciphertext']).where('id', '=', id);
}
