import { z } from 'zod';

import { freeText } from '../../shared/validation/free-text.js';
import { RECIPIENT_FIELDS } from './resources/recipients-resource.js';

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

/**
 * The clear values asked for. `fields` names at least one field and `ein` is the only one, so
 * every answer holds it; a second unmaskable field would make each optional.
 */
export const UnmaskedRecipientSchema = z
  .object({
    id: z.number().int().meta({ 'x-eds-classification': RECIPIENT_FIELDS.id }),
    ein: z.string().meta({
      'x-eds-classification': RECIPIENT_FIELDS.ein,
      description: 'RESTRICTED, in clear: answered to this audited request only.',
    }),
  })
  .meta({ id: 'UnmaskedRecipient' });
export type UnmaskedRecipient = z.infer<typeof UnmaskedRecipientSchema>;
