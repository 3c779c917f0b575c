import { Worker } from 'node:worker_threads';

import type { AuditEvent, AuditVerification } from '../../shared/audit/audit-event.js';
import type { PostgresAuditTrail } from '../../shared/audit/postgres-audit-trail.js';
import { AppError } from '../../shared/errors/app-error.js';
import { ERROR_STATUS, type ErrorCode } from '../../shared/errors/error-codes.js';
import type { Logger } from '../../shared/logging/logger.js';
import type {
  AuditStoreCall,
  AuditStoreMessage,
  AuditStoreWorkerData,
} from './audit-store-protocol.js';
import type { AuditStore, AuditStoreSettings } from './audit-store.js';

/** How long a stopping audit store may take to close before its thread is ended. */
const CLOSE_TIMEOUT_MS = 15_000;

type CallWithoutId = AuditStoreCall extends infer C
  ? C extends AuditStoreCall
    ? Omit<C, 'id'>
    : never
  : never;

interface Pending {
  readonly op: AuditStoreCall['op'];
  resolve(value: unknown): void;
  reject(error: Error): void;
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}

/**
 * The error a failed call rejects with: its AppError again, or a plain error with its code; the
 * message names the code (never stored text), so a failed start says why.
 */
function failure(op: string, code: string): Error {
  const message = `Audit store: ${op} failed (${code})`;
  if (isErrorCode(code)) return new AppError(code, message);
  return Object.assign(new Error(message), { code });
}

function unavailable(): AppError {
  return new AppError('AUDIT_UNAVAILABLE', 'Audit store thread is not running');
}

/**
 * Starts the local audit store on a thread of its own (see `startAuditStore`); the trail `open`
 * returns is the thread's, as the host thread uses it. The trail's work (validating, hashing,
 * linking and storing each event, and the embedded Postgres that stores them) then runs beside
 * the thread that serves requests rather than on it; each call is a message, answered once the
 * thread has done it (an append once its event is durable, as on the calling thread).
 *
 * Fails closed: once the thread has stopped, for whatever reason, every call rejects with
 * AUDIT_UNAVAILABLE (so a request that cannot be audited is refused), and `audit.store_stopped`
 * is logged.
 *
 * @throws Error with the thread's own message when the store cannot start (its directory locked
 * by another process, say).
 */
export async function startAuditStoreThread(
  settings: AuditStoreSettings,
  logger: Logger,
): Promise<AuditStore> {
  const workerData: AuditStoreWorkerData = settings;
  const worker = new Worker(new URL('./audit-store-worker.js', import.meta.url), { workerData });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let running = true;
  let stopping = false;

  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let started: { resolve(url: string): void; reject(error: Error): void } | undefined;
  const ready = new Promise<string>((resolve, reject) => {
    started = { resolve, reject };
    worker.once('error', reject);
    worker.once('exit', () => reject(new Error('Audit store thread stopped while starting')));
  });

  // Listening from the start: the store logs its migrations and any trail it copies as it opens.
  worker.on('message', (message: AuditStoreMessage) => {
    if (message.kind === 'log') {
      logger[message.level](message.event, message.fields);
      return;
    }
    if (message.kind === 'ready') started?.resolve(message.url);
    if (message.kind === 'failed') started?.reject(new Error(message.message));
    if (message.kind !== 'answer') return;
    const call = pending.get(message.id);
    if (call === undefined) return;
    pending.delete(message.id);
    if (message.ok) call.resolve(message.value);
    else call.reject(failure(call.op, message.code));
  });
  worker.on('error', (error) => {
    logger.error('audit.store_thread_failed', { errorName: error.name });
  });
  const url = await ready;
  void exited.then(() => {
    running = false;
    if (!stopping) logger.error('audit.store_stopped', { store: 'postgres' });
    for (const call of pending.values()) call.reject(unavailable());
    pending.clear();
  });

  /** Sends one call; the worker answers each op with that op's value. */
  const send = <T>(call: CallWithoutId): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!running) {
        reject(unavailable());
        return;
      }
      const id = nextId;
      nextId += 1;
      pending.set(id, { op: call.op, resolve: (value) => resolve(value as T), reject });
      try {
        worker.postMessage({ ...call, id });
      } catch (error) {
        // Not cloneable (never a plain event): the call fails here and waits for no answer.
        pending.delete(id);
        reject(error instanceof Error ? error : new Error('Audit store: call not sent'));
      }
    });

  const trail: PostgresAuditTrail = {
    append: (event: AuditEvent) => send<undefined>({ op: 'append', event }),
    holds: (event: AuditEvent) => send<boolean>({ op: 'holds', event }),
    verify: () => send<AuditVerification>({ op: 'verify' }),
    checkpoint: () => send<undefined>({ op: 'checkpoint' }),
    flushOutbox: () => send<number>({ op: 'flushOutbox' }),
  };

  let opened: Promise<PostgresAuditTrail> | undefined;
  return {
    url,
    open(recordsStoreUrl) {
      opened ??= send<undefined>({ op: 'open', recordsStoreUrl }).then(() => trail);
      return opened;
    },
    async close() {
      if (!running) return;
      stopping = true;
      const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
      try {
        await send<undefined>({ op: 'close' }).catch(() => worker.terminate());
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
