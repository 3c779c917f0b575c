import type { AuditEvent, AuditVerification } from '../../shared/audit/audit-event.js';
import type { LogFields } from '../../shared/logging/logger.js';
import type { AuditStoreSettings } from './audit-store.js';

/** What the host thread hands the audit store's thread when it starts it. */
export type AuditStoreWorkerData = AuditStoreSettings;

/** A call from the host thread to the audit store's thread. */
export type AuditStoreCall =
  | { readonly id: number; readonly op: 'append'; readonly event: AuditEvent }
  | { readonly id: number; readonly op: 'holds'; readonly event: AuditEvent }
  | { readonly id: number; readonly op: 'open'; readonly recordsStoreUrl: string }
  | { readonly id: number; readonly op: 'verify' | 'checkpoint' | 'flushOutbox' | 'close' };

/** The answer to one call: its value, or the error code (and nothing else) it failed with. */
export type AuditStoreAnswer =
  | {
      readonly kind: 'answer';
      readonly id: number;
      readonly ok: true;
      readonly value: AuditVerification | boolean | number | undefined;
    }
  | { readonly kind: 'answer'; readonly id: number; readonly ok: false; readonly code: string };

/** Everything the audit store's thread sends the host thread. */
export type AuditStoreMessage =
  | AuditStoreAnswer
  | { readonly kind: 'ready'; readonly url: string }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string }
  | {
      readonly kind: 'log';
      readonly level: 'debug' | 'info' | 'warn' | 'error';
      readonly event: string;
      readonly fields: LogFields | undefined;
    };
