import { defineHttpFunction } from '../../shared/http/define-http-function.js';
import { getServices } from '../../shared/runtime/services.js';
import { assertPrincipal, writtenItemSchema } from './define-data-functions.js';
import { contractTransactionsResource } from './resources/contract-transactions-resource.js';
import { CreateObligationBodySchema } from './writes/create-obligation-body.js';
import { writeContract } from './writes/write-contract.js';

/**
 * `POST /api/v1/obligations`: record an obligation (contract action) on a contract in the
 * caller's divisions. Requires `records:write` (EDS.Manager). 201 with `ETag` and `Location`;
 * 404 when the contract is not visible. Honours `Idempotency-Key`; audited as `data.change`.
 */
defineHttpFunction({
  name: 'data-create-obligation',
  capability: 'data',
  route: 'v1/obligations',
  methods: ['POST'],
  access: { permission: 'records:write' },
  summary: 'Record an obligation on a contract',
  body: CreateObligationBodySchema,
  response: writtenItemSchema(contractTransactionsResource),
  ...writeContract('create', ['DATA_NOT_FOUND']),
  maxBodyBytes: 32_768,
  handler: async ({ principal, body, headers, correlationId }) => {
    const services = await getServices();
    // Loaded on first call, not at cold start: the write pulls in the query builder.
    const { createObligation } = await import('./writes/create-obligation.js');
    return createObligation(services, assertPrincipal(principal), {
      body,
      headers,
      correlationId,
    });
  },
});
