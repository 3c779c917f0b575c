import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';

import { z } from 'zod';

import { looksLikeToken } from '../validation/sensitive-text.js';
import { isStorableText } from '../validation/storable-text.js';
import type { SecurityAuditEvent } from './audit-event.js';

/**
 * Text safe for the trail: bounded, well-formed UTF-16 with no NUL (Postgres `jsonb` refuses
 * both, and a refusal at write time would lose the event), and nothing token-shaped. Both content
 * rules run in one check: every request's event passes here, so each step counts.
 */
function auditText(max: number) {
  // Over `max`, the content checks do not run (Zod would run them after a failed check).
  return z
    .string()
    .max(max, { abort: true })
    .check((ctx) => {
      const text = ctx.value;
      let message: string | undefined;
      if (!isStorableText(text)) message = 'malformed_text';
      else if (looksLikeToken(text)) message = 'token_like';
      if (message !== undefined) ctx.issues.push({ code: 'custom', message, input: text });
    });
}

const Id = auditText(200).min(1);
const Digest = z.string().regex(/^[0-9a-f]{64}$/);
/** An IPv4 or IPv6 address, as Node reads one but without an IPv6 zone, or `unknown`. */
const Address = z
  .string()
  .max(64, { abort: true })
  .refine((value) => value === 'unknown' || (isIP(value) !== 0 && !value.includes('%')));

const Base = {
  /** Opaque Entra object id, or `anonymous` for unauthenticated calls. */
  actor: Id,
  correlationId: Id,
  outcome: z.enum(['success', 'denied', 'failure']),
};

const DetailKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/);
const DetailValue = z.union([auditText(500), z.number().finite(), z.boolean()]);

export const RequestAuditEventSchema = z
  .object({
    ...Base,
    type: z.literal('http.request'),
    function: Id,
    method: z.string().regex(/^[A-Z]{3,7}$/),
    /** Route template, not the URL: no query string, no values. */
    route: auditText(300).min(1),
    permission: Id,
    /**
     * What the operation acted on; for a refused request, the record its path named
     * (`vendors/41`), when its parameters were valid, or the one the operation names as the
     * target it refused (a new obligation's contract, `contracts/41`).
     */
    resource: Id.exactOptional(),
    /** The client's IP address, as the trusted proxies reported it (`unknown` if none was). */
    clientAddress: Address.exactOptional(),
    status: z.number().int().min(100).max(599),
    errorCode: Id.exactOptional(),
  })
  .strict();

export const DenialAuditEventSchema = z
  .object({
    ...Base,
    type: z.literal('auth.denied'),
    function: Id,
    permission: Id,
    /**
     * Machine reason, from the pipeline's `DENIAL_REASON`: token_missing, token_invalid,
     * permission_missing, rate_limited or origin_denied.
     */
    reason: Id,
    clientAddress: Address.exactOptional(),
  })
  .strict();

export const UnmaskAuditEventSchema = z
  .object({
    ...Base,
    type: z.literal('data.unmask'),
    resource: Id,
    fields: z.array(Id).min(1).max(64).readonly(),
    /** The caller's stated reason, as given (free text, length-bounded by validation). */
    reason: auditText(500).min(1),
  })
  .strict();

export const DataChangeAuditEventSchema = z
  .object({
    ...Base,
    type: z.literal('data.change'),
    resource: Id,
    action: z.enum(['create', 'update', 'delete']),
    /** SHA-256 of the canonical record before and after, RESTRICTED fields as ciphertext ids. */
    beforeDigest: Digest.exactOptional(),
    afterDigest: Digest.exactOptional(),
  })
  .strict();

export const SecurityAuditEventSchema = z
  .object({
    ...Base,
    type: z.literal('security.event'),
    name: Id,
    detail: z
      .record(DetailKey, DetailValue)
      .refine((detail) => Object.keys(detail).length <= 32, 'too_many_keys')
      .readonly()
      .exactOptional(),
  })
  .strict();

/**
 * The schema every audit event passes before it is hashed and written: one strict object per
 * `type`, so an unknown or misspelled field is refused rather than silently stored. The event
 * types of `audit-event.ts` are read from these schemas, so the two cannot drift apart.
 *
 * > [!WARNING]
 * > The token check is defence in depth: callers must still put only ids and digests in events.
 */
export const AuditEventSchema = z.discriminatedUnion('type', [
  RequestAuditEventSchema,
  DenialAuditEventSchema,
  UnmaskAuditEventSchema,
  DataChangeAuditEventSchema,
  SecurityAuditEventSchema,
]);

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
