import type { z } from 'zod';

import { CreateVendorBodySchema } from './create-vendor-body.js';
import { atLeastOneField } from './write-field-schemas.js';

/**
 * The fields of a vendor an update may change, as registered minus `duns` and `state`; at least
 * one.
 *
 * LIMITATION: `duns`, `state` and so the division are fixed once registered; moving a vendor to
 * another division is not offered yet.
 */
export const UpdateVendorBodySchema = CreateVendorBodySchema.omit({ duns: true, state: true })
  .partial()
  .strict()
  .refine(atLeastOneField.check, atLeastOneField.params)
  .meta({ id: 'UpdateVendorBody' });
export type UpdateVendorBody = z.infer<typeof UpdateVendorBodySchema>;
