import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { looksLikeToken } from '../validation/sensitive-text.js';
import type { AuditEvent, SecurityAuditEvent } from './audit-event.js';

// eslint-disable-next-line no-control-regex -- NUL is exactly what this rule refuses
const MALFORMED_TEXT = /[\p{Cs}\u0000]/u;

/**
 * Text safe for the trail: bounded, well-formed UTF-16 with no NUL (Postgres `jsonb` refuses
 * both, and a refusal at write time would lose the event), and nothing token-shaped. Both content
 * rules run in one check: every request's event passes here, so each step counts.
 */
function auditText(max: number) {
  return z
    .string()
    .max(max)
    .check((ctx) => {
      const text = ctx.value;
      let message: string | undefined;
      if (MALFORMED_TEXT.test(text)) message = 'malformed_text';
      else if (looksLikeToken(text)) message = 'token_like';
      if (message !== undefined) ctx.issues.push({ code: 'custom', message, input: text });
    });
}

const Id = auditText(200).min(1);
const Digest = z.string().regex(/^[0-9a-f]{64}$/);

const Base = {
  actor: Id,
  correlationId: Id,
  outcome: z.enum(['success', 'denied', 'failure']),
};

const DetailKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/);
const DetailValue = z.union([auditText(500), z.number().finite(), z.boolean()]);

/**
 * The schema every audit event passes before it is hashed and written: one strict object per
 * `type`, so an unknown or misspelled field is refused rather than silently stored.
 *
 * > [!WARNING]
 * > The token check is defence in depth: callers must still put only ids and digests in events.
 */
export const AuditEventSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...Base,
      type: z.literal('http.request'),
      function: Id,
      method: z.string().regex(/^[A-Z]{3,7}$/),
      route: auditText(300).min(1),
      permission: Id,
      resource: Id.exactOptional(),
      status: z.number().int().min(100).max(599),
      errorCode: Id.exactOptional(),
    })
    .strict(),
  z
    .object({
      ...Base,
      type: z.literal('auth.denied'),
      function: Id,
      permission: Id,
      reason: Id,
    })
    .strict(),
  z
    .object({
      ...Base,
      type: z.literal('data.unmask'),
      resource: Id,
      fields: z.array(Id).min(1).max(64),
      reason: auditText(500).min(1),
    })
    .strict(),
  z
    .object({
      ...Base,
      type: z.literal('data.change'),
      resource: Id,
      action: z.enum(['create', 'update', 'delete']),
      beforeDigest: Digest.exactOptional(),
      afterDigest: Digest.exactOptional(),
    })
    .strict(),
  z
    .object({
      ...Base,
      type: z.literal('security.event'),
      name: Id,
      detail: z
        .record(DetailKey, DetailValue)
        .refine((detail) => Object.keys(detail).length <= 32, 'too_many_keys')
        .exactOptional(),
    })
    .strict(),
]);

/** An event as the schema returns it: the declared union, checked at compile time below. */
export type ParsedAuditEvent = z.infer<typeof AuditEventSchema>;
const parsedIsAuditEvent = (event: ParsedAuditEvent): AuditEvent => event;
void parsedIsAuditEvent;

const EVENT_TYPES: ReadonlySet<unknown> = new Set(
  AuditEventSchema.options.map((option) => option.shape.type.value),
);
const FIELD_NAMES: ReadonlySet<unknown> = new Set(
  AuditEventSchema.options.flatMap((option) => Object.keys(option.shape)),
);
const SAFE_CORRELATION_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The event recorded in place of one that failed validation: which type and which field only,
 * taken from the schema's own vocabulary, so nothing of the refused value is stored.
 */
export function rejectionEvent(raw: unknown, path: PropertyKey | undefined): SecurityAuditEvent {
  const { type, correlationId } = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    type?: unknown;
    correlationId?: unknown;
  };
  const isSafeId = typeof correlationId === 'string' && SAFE_CORRELATION_ID.test(correlationId);
  return {
    type: 'security.event',
    name: 'audit.event_rejected',
    actor: 'system',
    correlationId: isSafeId ? correlationId : randomUUID(),
    outcome: 'failure',
    detail: {
      eventType: EVENT_TYPES.has(type) ? String(type) : 'unknown',
      field: FIELD_NAMES.has(path) ? String(path) : 'unknown',
    },
  };
}
