import { z } from 'zod';

import { freeText } from '../../shared/validation/free-text.js';

/** Fields of a recipient that can be unmasked. */
export const UNMASKABLE_RECIPIENT_FIELDS = ['ein'] as const;

export const UnmaskRecipientBodySchema = z
  .object({
    fields: z
      .array(z.enum(UNMASKABLE_RECIPIENT_FIELDS))
      .min(1)
      .max(UNMASKABLE_RECIPIENT_FIELDS.length)
      .refine((fields) => new Set(fields).size === fields.length, { message: 'duplicate field' }),
    reason: freeText(500, { min: 10, trim: true, audited: true }),
  })
  .strict();
export type UnmaskRecipientBody = z.infer<typeof UnmaskRecipientBodySchema>;

export const UnmaskedRecipientSchema = z
  .object({ id: z.number().int(), ein: z.string().optional() })
  .meta({ id: 'UnmaskedRecipient' });
export type UnmaskedRecipient = z.infer<typeof UnmaskedRecipientSchema>;
