import { z } from 'zod';

import { AppError } from '../../shared/errors/app-error.js';
import { getServices, type IssuerDocuments } from '../../shared/runtime/services.js';

/** Path parameters of the development issuer's routes. */
export const IssuerParamsSchema = z.object({ tenantId: z.string().uuid() }).strict();

/**
 * The development issuer of `tenantId`.
 *
 * @throws AppError HTTP_NOT_FOUND (404) when no development issuer runs (any host but the local
 * one) or `tenantId` is not the configured tenant.
 */
export async function issuerFor(tenantId: string): Promise<IssuerDocuments> {
  const { issuer, config } = await getServices();
  if (issuer === undefined || tenantId !== config.tenantId) {
    throw new AppError('HTTP_NOT_FOUND', 'no development issuer for this tenant');
  }
  return issuer;
}
