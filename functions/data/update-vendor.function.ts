import { defineHttpFunction } from '../../shared/http/define-http-function.js';
import { getServices } from '../../shared/runtime/services.js';
import { assertPrincipal, writtenItemSchema } from './define-data-functions.js';
import { RecordIdParamsSchema } from './list-query-schema.js';
import { vendorsResource } from './resources/vendors-resource.js';
import { UpdateVendorBodySchema } from './writes/update-vendor-body.js';
import { writeContract } from './writes/write-contract.js';

/**
 * `PATCH /api/v1/vendors/{id}`: change a vendor in the caller's divisions. Requires
 * `records:write` (EDS.Manager) and `If-Match` (428 without, 412 when stale); 404 when not
 * visible. 200 with the new `ETag`. Honours `Idempotency-Key`; audited as `data.change`.
 */
defineHttpFunction({
  name: 'data-update-vendor',
  capability: 'data',
  route: 'v1/vendors/{id}',
  methods: ['PATCH'],
  access: { permission: 'records:write' },
  summary: 'Update a vendor (If-Match required)',
  params: RecordIdParamsSchema,
  body: UpdateVendorBodySchema,
  response: writtenItemSchema(vendorsResource),
  ...writeContract('update'),
  maxBodyBytes: 32_768,
  handler: async ({ principal, params, body, headers, correlationId }) => {
    const services = await getServices();
    // Loaded on first call, not at cold start: the write pulls in the query builder.
    const { updateVendor } = await import('./writes/update-vendor.js');
    return updateVendor(services, assertPrincipal(principal), {
      id: params.id,
      body,
      headers,
      correlationId,
    });
  },
});
