import { z } from 'zod';

import { freeText } from '../../../shared/validation/free-text.js';
import { atLeastOneField, calendarDate, moneyAmount } from './write-field-schemas.js';

/** The fields of an obligation an update may change; at least one. Contract and division fixed. */
export const UpdateObligationBodySchema = z
  .object({
    actionDate: calendarDate.optional(),
    actionType: z
      .string()
      .regex(/^[A-Z]$/)
      .nullable()
      .optional(),
    modificationNumber: freeText(32).optional(),
    federalActionObligation: moneyAmount.optional(),
    description: freeText(4000, { multiline: true }).optional(),
  })
  .strict()
  .refine(atLeastOneField.check, atLeastOneField.params)
  .meta({ id: 'UpdateObligationBody' });
export type UpdateObligationBody = z.infer<typeof UpdateObligationBodySchema>;
