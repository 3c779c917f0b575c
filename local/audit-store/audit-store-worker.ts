/**
 * Entry point of the audit store's thread (see `audit-store-thread.ts`): opens the audit store
 * and its trail here, answers the host thread's calls in order of arrival, and forwards the
 * trail's log lines to the host's logger.
 */
import { parentPort, workerData } from 'node:worker_threads';

import type { AuditVerification } from '../../shared/audit/audit-event.js';
import type { PostgresAuditTrail } from '../../shared/audit/postgres-audit-trail.js';
import { AppError, isAppError } from '../../shared/errors/app-error.js';
import { errorCodeOf } from '../../shared/errors/error-code.js';
import type { Logger, LogFields } from '../../shared/logging/logger.js';
import type {
  AuditStoreCall,
  AuditStoreMessage,
  AuditStoreWorkerData,
} from './audit-store-protocol.js';
import { startAuditStore, type AuditStore } from './audit-store.js';

const port = parentPort;
if (port === null) throw new Error('The audit store worker runs on a worker thread only');
const post = (message: AuditStoreMessage): void => port.postMessage(message);

const forward =
  (level: 'debug' | 'info' | 'warn' | 'error') =>
  (event: string, fields?: LogFields): void =>
    post({ kind: 'log', level, event, fields });
const logger: Logger = {
  debug: forward('debug'),
  info: forward('info'),
  warn: forward('warn'),
  error: forward('error'),
};

/** The error's code only: AppError codes as they are, anything else as its safe code. */
const codeOf = (error: unknown): string => (isAppError(error) ? error.code : errorCodeOf(error));

let trail: PostgresAuditTrail | undefined;

/** The trail once `open` has opened it; calls before that are refused. */
function opened(): PostgresAuditTrail {
  if (trail === undefined) throw new AppError('AUDIT_UNAVAILABLE', 'Audit trail not open yet');
  return trail;
}

async function run(
  store: AuditStore,
  call: AuditStoreCall,
): Promise<AuditVerification | boolean | number | undefined> {
  switch (call.op) {
    case 'open':
      trail = await store.open(call.recordsStoreUrl);
      return undefined;
    case 'append':
      await opened().append(call.event);
      return undefined;
    case 'holds':
      return opened().holds(call.event);
    case 'verify':
      return opened().verify();
    case 'checkpoint':
      await opened().checkpoint();
      return undefined;
    case 'flushOutbox':
      return opened().flushOutbox();
    case 'close':
      await store.close();
      return undefined;
  }
}

try {
  // The host thread built these settings; the signing key arrives as a cloned KeyObject.
  const store = await startAuditStore(workerData as AuditStoreWorkerData, logger);
  port.on('message', (call: AuditStoreCall) => {
    run(store, call).then(
      (value) => {
        post({ kind: 'answer', id: call.id, ok: true, value });
        // Nothing is left open after `close`: ending the port lets the thread exit.
        if (call.op === 'close') port.close();
      },
      (error: unknown) => post({ kind: 'answer', id: call.id, ok: false, code: codeOf(error) }),
    );
  });
  post({ kind: 'ready', url: store.url });
} catch (error) {
  const message = error instanceof Error ? error.message : 'Audit store failed to start';
  post({ kind: 'failed', code: codeOf(error), message });
  port.close();
}
