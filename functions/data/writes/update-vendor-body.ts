import { z } from 'zod';

import { dunsNumber, storedText, businessCategories } from './write-field-schemas.js';
/**
 * The fields of a vendor an update may change; at least one.
 *
 * LIMITATION: `duns`, `state` and so the division are fixed once registered; moving a vendor to
 * another division is not offered yet.
 */
export const UpdateVendorBodySchema = z
  .object({
    parentDuns: dunsNumber.nullable().optional(),
    name: storedText(300).optional(),
    countyName: storedText(100).nullable().optional(),
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
  .refine((body) => Object.keys(body).length > 0, 'no_fields')
  .meta({ id: 'UpdateVendorBody' });
export type UpdateVendorBody = z.infer<typeof UpdateVendorBodySchema>;
