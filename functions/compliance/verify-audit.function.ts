import { z } from 'zod';

import { AUDIT_BREAK_REASONS } from '../../shared/audit/audit-event.js';
import { defineHttpFunction } from '../../shared/http/define-http-function.js';
import { getServices } from '../../shared/runtime/services.js';

const AuditVerificationSchema = z
  .discriminatedUnion('status', [
    z.object({
      status: z.literal('intact'),
      count: z.number().int(),
      lastSequence: z.number().int(),
    }),
    z.object({
      status: z.literal('broken'),
      count: z.number().int(),
      firstBrokenSequence: z.number().int(),
      reason: z.enum(AUDIT_BREAK_REASONS),
    }),
  ])
  .meta({ id: 'AuditVerification' });

/**
 * Verifies the whole audit trail: every hash, link, sequence number and signed checkpoint.
 * Compliance and security officers only. The call itself is audited after the verification,
 * so it never verifies its own event. A broken trail is an incident, not just an answer: it is
 * logged at error level (`audit.verification_failed`) and recorded in the trail itself as a
 * `security.event` of the same name, with the first broken sequence number and the reason.
 */
defineHttpFunction({
  name: 'compliance-verify-audit',
  capability: 'compliance',
  route: 'v1/audit/verify',
  methods: ['GET'],
  access: { permission: 'audit:verify' },
  summary: 'Verify the tamper-evident audit trail',
  query: z.object({}).strict(),
  response: AuditVerificationSchema,
  handler: async ({ principal, correlationId }) => {
    const { audit, logger } = await getServices();
    const result = await audit.verify();
    if (result.status === 'broken') {
      const { firstBrokenSequence, reason } = result;
      logger.error('audit.verification_failed', {
        correlationId,
        resource: `audit_events/${firstBrokenSequence}`,
        reason,
      });
      await audit.append({
        type: 'security.event',
        name: 'audit.verification_failed',
        actor: principal?.id ?? 'system',
        correlationId,
        outcome: 'failure',
        detail: { firstBrokenSequence, reason },
      });
    }
    return { body: result, auditResource: 'audit-trail' };
  },
});
