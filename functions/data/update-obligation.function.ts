import { defineHttpFunction } from '../../shared/http/define-http-function.js';
import { getServices } from '../../shared/runtime/services.js';
import { assertPrincipal, writtenItemSchema } from './define-data-functions.js';
import { RecordIdParamsSchema } from './list-query-schema.js';
import { contractTransactionsResource } from './resources/contract-transactions-resource.js';
import { UpdateObligationBodySchema } from './writes/update-obligation-body.js';
import { writeContract } from './writes/write-contract.js';

/**
 * `PATCH /api/v1/obligations/{id}`: change an obligation in the caller's divisions. Requires
 * `records:write` (EDS.Manager) and `If-Match` (428 without, 412 when stale); 404 when not
 * visible. 200 with the new `ETag`. Honours `Idempotency-Key`; audited as `data.change`.
 */
defineHttpFunction({
  name: 'data-update-obligation',
  capability: 'data',
  route: 'v1/obligations/{id}',
  methods: ['PATCH'],
  access: { permission: 'records:write' },
  summary: 'Update an obligation (If-Match required)',
  params: RecordIdParamsSchema,
  body: UpdateObligationBodySchema,
  response: writtenItemSchema(contractTransactionsResource),
  ...writeContract('update'),
  maxBodyBytes: 32_768,
  handler: async ({ principal, params, body, headers, correlationId }) => {
    const services = await getServices();
    // Loaded on first call, not at cold start: the write pulls in the query builder.
    const { updateObligation } = await import('./writes/update-obligation.js');
    return updateObligation(services, assertPrincipal(principal), {
      id: params.id,
      body,
      headers,
      correlationId,
    });
  },
});
