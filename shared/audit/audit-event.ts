/**
 * Audit event shapes. Compatibility: events are persisted and hash-chained; a field, once
 * written, keeps its name and meaning forever. Add new event types or optional fields, never
 * rename. The canonical JSON of an event (sorted keys, no whitespace) is what the chain hashes.
 *
 * > [!WARNING]
 * > No event carries a token, a secret, a prompt or a RESTRICTED value: ids and digests only.
 */
import type { z } from 'zod';

import type {
  DataChangeAuditEventSchema,
  DenialAuditEventSchema,
  RequestAuditEventSchema,
  SecurityAuditEventSchema,
  UnmaskAuditEventSchema,
} from './audit-event-schema.js';

export type RequestAuditEvent = Readonly<z.infer<typeof RequestAuditEventSchema>>;
export type DenialAuditEvent = Readonly<z.infer<typeof DenialAuditEventSchema>>;
export type UnmaskAuditEvent = Readonly<z.infer<typeof UnmaskAuditEventSchema>>;
export type DataChangeAuditEvent = Readonly<z.infer<typeof DataChangeAuditEventSchema>>;
export type SecurityAuditEvent = Readonly<z.infer<typeof SecurityAuditEventSchema>>;

/** One audit event; each type's fields are declared (and documented) in `audit-event-schema.ts`. */
export type AuditEvent =
  | RequestAuditEvent
  | DenialAuditEvent
  | UnmaskAuditEvent
  | DataChangeAuditEvent
  | SecurityAuditEvent;

export type AuditOutcome = AuditEvent['outcome'];

/** What a broken verification names as the first check that failed (its `reason`). */
export const AUDIT_BREAK_REASONS = [
  'hash_mismatch',
  'link_mismatch',
  'sequence_gap',
  'checkpoint_mismatch',
  'head_rewritten',
] as const;
export type AuditBreakReason = (typeof AUDIT_BREAK_REASONS)[number];

export type AuditVerification =
  | { readonly status: 'intact'; readonly count: number; readonly lastSequence: number }
  | {
      readonly status: 'broken';
      readonly count: number;
      /**
       * Sequence number of the first event whose link does not hold; for `head_rewritten`, the
       * head a running writer stored, which no longer reads as stored (changed at or before it).
       */
      readonly firstBrokenSequence: number;
      readonly reason: AuditBreakReason;
    };

/** The audit trail as the pipeline and operations see it. */
export interface AuditTrail {
  /** Appends one event; never sampled. Resolves once the event is durable (or queued durably). */
  append(event: AuditEvent): Promise<void>;
  verify(): Promise<AuditVerification>;
  /**
   * Whether the stored trail already holds this exact event (same type, correlation id and
   * content); the audit relay asks before appending a queued event again.
   */
  holds(event: AuditEvent): Promise<boolean>;
  /**
   * Signs the current head now if it has no checkpoint yet, so events written since the last
   * one stop being open to an unnoticed rewrite (the clock-driven companion of every N events).
   */
  checkpoint(): Promise<void>;
}
