import type { AppDatabase } from '../../db/app-database.js';
import { readEnvelopeKeyVersion } from '../envelope-cipher.js';
import type { EncryptedField } from '../field-cipher.js';

/** The key versions sealing recipients' EINs, each once, sorted; read outside row scope. */
export async function einKeyVersionsInUse(db: AppDatabase): Promise<string[]> {
  const rows = await db.unsafeWithoutScope((conn) =>
    conn.selectFrom('recipients').select('ein_ciphertext').execute(),
  );
  const versions = rows.map((row) => readEnvelopeKeyVersion(row.ein_ciphertext as EncryptedField));
  return [...new Set(versions)].sort();
}
