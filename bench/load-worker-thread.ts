/**
 * The thread started by `load-worker.ts`: runs each requested load against a loopback URL and
 * answers with its counts.
 */
import { parentPort } from 'node:worker_threads';

import { runLoad, type LoadOptions } from './load-loop.js';

interface Request {
  readonly url: string;
  readonly options: LoadOptions;
}

function isLoopback(url: string): boolean {
  const { hostname, protocol } = new URL(url);
  return protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

parentPort?.on('message', (message: Request) => {
  const run = async () => {
    if (!isLoopback(message.url)) throw new Error('load worker: loopback URLs only');
    return runLoad(message.url, message.options);
  };
  run().then(
    (result) => parentPort?.postMessage({ ok: true, result }),
    () => parentPort?.postMessage({ ok: false }),
  );
});
