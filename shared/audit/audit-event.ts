/**
 * Audit event shapes. Compatibility: events are persisted and hash-chained; a field, once
 * written, keeps its name and meaning forever. Add new event types or optional fields, never
 * rename. The canonical JSON of an event (sorted keys, no whitespace) is what the chain hashes.
 *
 * > [!WARNING]
 * > No event carries a token, a secret, a prompt or a RESTRICTED value: ids and digests only.
 */
export type AuditOutcome = 'success' | 'denied' | 'failure';

interface AuditEventBase {
  /** Opaque Entra object id, or `anonymous` for unauthenticated calls. */
  readonly actor: string;
  readonly correlationId: string;
  readonly outcome: AuditOutcome;
}

export interface RequestAuditEvent extends AuditEventBase {
  readonly type: 'http.request';
  readonly function: string;
  readonly method: string;
  /** Route template, not the URL: no query string, no values. */
  readonly route: string;
  readonly permission: string;
  readonly resource?: string;
  readonly status: number;
  readonly errorCode?: string;
}

export interface DenialAuditEvent extends AuditEventBase {
  readonly type: 'auth.denied';
  readonly function: string;
  readonly permission: string;
  /**
   * Machine reason, from the pipeline's `DENIAL_REASON`: token_missing, token_invalid,
   * permission_missing, rate_limited or origin_denied.
   */
  readonly reason: string;
}

export interface UnmaskAuditEvent extends AuditEventBase {
  readonly type: 'data.unmask';
  readonly resource: string;
  readonly fields: readonly string[];
  /** The caller's stated reason, as given (free text, length-bounded by validation). */
  readonly reason: string;
}

export interface DataChangeAuditEvent extends AuditEventBase {
  readonly type: 'data.change';
  readonly resource: string;
  readonly action: 'create' | 'update' | 'delete';
  /** SHA-256 of the canonical record before and after, RESTRICTED fields as ciphertext ids. */
  readonly beforeDigest?: string;
  readonly afterDigest?: string;
}

export interface SecurityAuditEvent extends AuditEventBase {
  readonly type: 'security.event';
  readonly name: string;
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

export type AuditEvent =
  | RequestAuditEvent
  | DenialAuditEvent
  | UnmaskAuditEvent
  | DataChangeAuditEvent
  | SecurityAuditEvent;

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
}
