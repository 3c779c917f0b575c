import { defineHttpFunction } from '../../shared/http/define-http-function.js';
import { getServices } from '../../shared/runtime/services.js';
import { assertPrincipal, writtenItemSchema } from './define-data-functions.js';
import { vendorsResource } from './resources/vendors-resource.js';
import { CreateVendorBodySchema } from './writes/create-vendor-body.js';
import { writeContract } from './writes/write-contract.js';

/**
 * `POST /api/v1/vendors`: register a vendor in the division of its state. Requires
 * `records:write` (EDS.Manager) and that division (403 otherwise); 409 for a known DUNS. 201
 * with `ETag` and `Location`. Honours `Idempotency-Key`; audited as `data.change`.
 */
defineHttpFunction({
  name: 'data-create-vendor',
  capability: 'data',
  route: 'v1/vendors',
  methods: ['POST'],
  access: { permission: 'records:write' },
  summary: 'Register a vendor',
  body: CreateVendorBodySchema,
  response: writtenItemSchema(vendorsResource),
  ...writeContract('create', ['AUTH_FORBIDDEN', 'DATA_CONFLICT']),
  maxBodyBytes: 32_768,
  handler: async ({ principal, body, headers, correlationId }) => {
    const services = await getServices();
    // Loaded on first call, not at cold start: the write pulls in the query builder.
    const { createVendor } = await import('./writes/create-vendor.js');
    return createVendor(services, assertPrincipal(principal), { body, headers, correlationId });
  },
});
