import { hasPermission, type VerifiedPrincipal } from '../../../shared/auth/principal.js';
import type { EncryptedField } from '../../../shared/crypto/field-cipher.js';
import { AppError } from '../../../shared/errors/app-error.js';
import type { DataDeps } from '../data-deps.js';
import type { UnmaskRecipientBody, UnmaskedRecipient } from '../unmask-recipient-schemas.js';
import { buildRecipientCipherQuery } from './build-recipient-cipher-query.js';

export interface UnmaskRecipientInput {
  readonly id: number;
  readonly body: UnmaskRecipientBody;
  readonly correlationId: string;
}

/**
 * Returns a recipient's RESTRICTED fields in clear, for one stated reason.
 *
 * Only callers holding `records:unmask` (EDS.PiiReader) may call it, and only for a recipient
 * in their divisions. Appends a `data.unmask` audit event (actor, record, field names, reason,
 * never the value) before the value is returned; if the audit trail cannot take the event, the
 * value is not returned.
 *
 * > [!WARNING]
 * > The result holds a decrypted tax id: never log it, cache it or put it in an error.
 *
 * @throws AppError DATA_UNMASK_NOT_ALLOWED without `records:unmask`; AppError DATA_NOT_FOUND
 * when the recipient does not exist or is outside the caller's divisions; AppError
 * CRYPTO_KEY_UNAVAILABLE when the key is unavailable; AppError AUDIT_UNAVAILABLE when the
 * event could not be recorded.
 */
export async function unmaskRecipient(
  deps: DataDeps,
  principal: VerifiedPrincipal,
  input: UnmaskRecipientInput,
): Promise<UnmaskedRecipient> {
  if (!hasPermission(principal, 'records:unmask')) {
    throw new AppError('DATA_UNMASK_NOT_ALLOWED', 'unmask without records:unmask');
  }
  const { id, body, correlationId } = input;
  const row = await deps.db.withScope(principal, (trx) =>
    buildRecipientCipherQuery(trx, id).executeTakeFirst(),
  );
  if (row === undefined) throw new AppError('DATA_NOT_FOUND', 'recipients record not found');

  const ein = await deps.cipher.decrypt(
    row.ein_ciphertext as EncryptedField,
    `recipients.ein:${id}`,
  );
  await deps.audit.append({
    type: 'data.unmask',
    actor: principal.id,
    correlationId,
    outcome: 'success',
    resource: `recipients/${id}`,
    fields: [...body.fields],
    reason: body.reason,
  });
  // `fields` is ['ein']: the schema refuses an empty list and knows no other field.
  return { id, ein };
}
