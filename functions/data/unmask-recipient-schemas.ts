import { z } from 'zod';

/** Fields of a recipient that can be unmasked. */
export const UNMASKABLE_RECIPIENT_FIELDS = ['ein'] as const;

export const UnmaskRecipientBodySchema = z
  .object({
    fields: z
      .array(z.enum(UNMASKABLE_RECIPIENT_FIELDS))
      .min(1)
      .max(UNMASKABLE_RECIPIENT_FIELDS.length)
      .refine((fields) => new Set(fields).size === fields.length, { message: 'duplicate field' }),
    reason: z
      .string()
      .trim()
      .min(10)
      .max(500)
      .refine((text) => !/[\p{Cc}\p{Cs}]/u.test(text), 'control_character'),
  })
  .strict();
export type UnmaskRecipientBody = z.infer<typeof UnmaskRecipientBodySchema>;

export const UnmaskedRecipientSchema = z
  .object({ id: z.number().int(), ein: z.string().optional() })
  .meta({ id: 'UnmaskedRecipient' });
export type UnmaskedRecipient = z.infer<typeof UnmaskedRecipientSchema>;
