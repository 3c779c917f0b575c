import { Worker } from 'node:worker_threads';

import type { LoadOptions, LoadResult } from './load-loop.js';

/**
 * A load generator on its own thread (and so, on this 2-core machine, its own core), so the
 * requests it sends and the responses it reads are not charged to the host's event loop.
 */
export interface LoadWorker {
  run(url: string, options: LoadOptions): Promise<LoadResult>;
  close(): Promise<void>;
}

type Reply = { readonly ok: true; readonly result: LoadResult } | { readonly ok: false };

/** Starts the worker (`load-worker-thread.js`); one run at a time. */
export function startLoadWorker(): LoadWorker {
  const worker = new Worker(new URL('./load-worker-thread.js', import.meta.url));
  let pending: ((reply: Reply) => void) | undefined;
  const settle = (reply: Reply): void => {
    const waiting = pending;
    pending = undefined;
    waiting?.(reply);
  };
  worker.on('message', settle);
  worker.on('error', () => settle({ ok: false }));
  worker.on('exit', () => settle({ ok: false }));
  return {
    run: (url, options) =>
      new Promise<LoadResult>((resolve, reject) => {
        if (pending !== undefined) {
          reject(new Error('load worker: one run at a time'));
          return;
        }
        pending = (reply) =>
          reply.ok ? resolve(reply.result) : reject(new Error('load worker failed'));
        worker.postMessage({ url, options });
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}
