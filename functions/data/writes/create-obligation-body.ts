import { z } from 'zod';

import { freeText } from '../../../shared/validation/free-text.js';
import { calendarDate, moneyAmount, recordIdNumber } from './write-field-schemas.js';

/** A new obligation (contract action) on an existing contract. */
export const CreateObligationBodySchema = z
  .object({
    contractId: recordIdNumber,
    actionDate: calendarDate,
    actionType: z
      .string()
      .regex(/^[A-Z]$/)
      .nullable()
      .optional(),
    modificationNumber: freeText(32),
    federalActionObligation: moneyAmount,
    description: freeText(4000, { multiline: true }),
  })
  .strict()
  .meta({ id: 'CreateObligationBody' });
export type CreateObligationBody = z.infer<typeof CreateObligationBodySchema>;
