/**
 * The audit chain's link hash. Compatibility: every stored `hash` was computed by this function;
 * changing its input or encoding breaks verification of the existing trail. The input is the
 * canonical JSON (see `shared/crypto/canonical-json.ts`) of `{seq, occurredAt, prevHash, event}`
 * with `seq` a JSON number, `occurredAt` an ISO-8601 UTC string with milliseconds, and the digest
 * is SHA-256 in lower-case hex. The first event links to `GENESIS_HASH`.
 */
import { hash } from 'node:crypto';

import type { AuditEvent } from './audit-event.js';
import { canonicalJson } from '../crypto/canonical-json.js';

/** `prev_hash` of sequence 1: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** What one link of the chain commits to. */
export interface AuditLink {
  readonly seq: number;
  /** ISO-8601 UTC with milliseconds, as `Date.prototype.toISOString` writes it. */
  readonly occurredAt: string;
  readonly prevHash: string;
  readonly event: AuditEvent;
}

/** SHA-256 (hex) of the canonical JSON of one link. */
export function computeAuditHash(link: AuditLink): string {
  const { seq, occurredAt, prevHash, event } = link;
  return hash('sha256', canonicalJson({ seq, occurredAt, prevHash, event }), 'hex');
}

/**
 * How a stored event fails to follow the one before it, or `undefined` when it follows: the next
 * sequence number, with the hash of the event before it as its `prevHash`.
 */
export function linkBreakOf(
  before: { readonly seq: number; readonly hash: string },
  event: { readonly seq: number; readonly prevHash: string },
): 'sequence_gap' | 'link_mismatch' | undefined {
  if (event.seq !== before.seq + 1) return 'sequence_gap';
  return event.prevHash === before.hash ? undefined : 'link_mismatch';
}
