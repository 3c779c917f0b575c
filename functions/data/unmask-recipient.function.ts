import { defineHttpFunction } from '../../shared/http/define-http-function.js';
import { getServices } from '../../shared/runtime/services.js';
import { assertPrincipal } from './define-data-functions.js';
import { RecordIdParamsSchema } from './list-query-schema.js';
import { UnmaskedRecipientSchema, UnmaskRecipientBodySchema } from './unmask-recipient-schemas.js';

/** The recipient an unmask names, granted or refused, as its audit events name it. */
const recipientOf = (params: { readonly id: number }): string => `recipients/${params.id}`;

/**
 * `POST /api/v1/recipients/{id}/unmask`: a recipient's EIN in clear, for a stated reason.
 * Requires `records:unmask` (EDS.PiiReader) and the recipient in the caller's divisions (else
 * 404). Audited as `data.unmask` with the reason, never the value.
 */
defineHttpFunction({
  name: 'data-unmask-recipient',
  capability: 'data',
  route: 'v1/recipients/{id}/unmask',
  methods: ['POST'],
  access: { permission: 'records:unmask' },
  summary: 'Unmask a recipient EIN (audited, reason required)',
  params: RecordIdParamsSchema,
  body: UnmaskRecipientBodySchema,
  response: UnmaskedRecipientSchema,
  // A recipient outside the caller's divisions reads as absent; the EIN needs its field key.
  errorCodes: ['DATA_NOT_FOUND', 'CRYPTO_KEY_UNAVAILABLE'],
  auditTarget: recipientOf,
  handler: async ({ principal, params, body, correlationId }) => {
    const services = await getServices();
    // Loaded on first call: the query builder would otherwise weigh on every cold start.
    const { unmaskRecipient } = await import('./operations/unmask-recipient.js');
    const result = await unmaskRecipient(services, assertPrincipal(principal), {
      id: params.id,
      body,
      correlationId,
    });
    return { body: result, auditResource: recipientOf(params) };
  },
});
