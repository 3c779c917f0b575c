import { z } from 'zod';

import { hasPermission, type VerifiedPrincipal } from '../../../shared/auth/principal.js';
import type { EncryptedField } from '../../../shared/crypto/field-cipher.js';
import { AppError } from '../../../shared/errors/app-error.js';
import type { DataDeps } from '../data-deps.js';

/** Fields of a recipient that can be unmasked. */
export const UNMASKABLE_RECIPIENT_FIELDS = ['ein'] as const;

export const UnmaskRecipientBodySchema = z
  .object({
    fields: z
      .array(z.enum(UNMASKABLE_RECIPIENT_FIELDS))
      .min(1)
      .max(UNMASKABLE_RECIPIENT_FIELDS.length)
      .refine((fields) => new Set(fields).size === fields.length, { message: 'duplicate field' }),
    reason: z.string().trim().min(10).max(500),
  })
  .strict();
export type UnmaskRecipientBody = z.infer<typeof UnmaskRecipientBodySchema>;

export const UnmaskedRecipientSchema = z
  .object({ id: z.number().int(), ein: z.string().optional() })
  .meta({ id: 'UnmaskedRecipient' });
export type UnmaskedRecipient = z.infer<typeof UnmaskedRecipientSchema>;

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
    trx
      .selectFrom('recipients')
      .select(['id', 'ein_ciphertext'])
      .where('id', '=', id)
      .executeTakeFirst(),
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
  return { id, ...(body.fields.includes('ein') ? { ein } : {}) };
}
