import { z } from 'zod';

import { DIVISIONS } from '../../../shared/auth/divisions.js';
import { freeText } from '../../../shared/validation/free-text.js';
import { dunsNumber, businessCategories } from './write-field-schemas.js';

/** A vendor registered in EDS. Its `state` is also its division. */
export const CreateVendorBodySchema = z
  .object({
    duns: dunsNumber,
    parentDuns: dunsNumber.nullable().optional(),
    name: freeText(300),
    state: z.enum(DIVISIONS),
    countyName: freeText(100).nullable().optional(),
    zip5: z
      .string()
      .regex(/^\d{5}$/)
      .nullable()
      .optional(),
    congressionalDistrict: z
      .string()
      .regex(/^\d{2}$/)
      .nullable()
      .optional(),
    businessCategories: businessCategories.optional(),
  })
  .strict()
  .meta({ id: 'CreateVendorBody' });
export type CreateVendorBody = z.infer<typeof CreateVendorBodySchema>;
