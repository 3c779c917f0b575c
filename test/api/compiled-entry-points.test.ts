import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import { describe, expect, it } from 'vitest';

import { listEntryPoints } from '../../bench/measure-cold-start.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  for (const url of workerData.urls) await import(url);
  const registry = await import(workerData.registry);
  const app = await import(workerData.runtime);
  parentPort.postMessage({
    http: registry.listHttpFunctions().map((fn) => fn.name),
    hasHttpRequest: typeof app.HttpRequest === 'function',
  });
})().catch((error) => parentPort.postMessage({ error: String(error && error.message) }));
`;

describe('compiled entry points', () => {
  it('load under plain Node ESM, as the Functions host loads package.json main', async () => {
    expect(existsSync(`${DIST}functions`), 'run `npm run build` first (npm test does)').toBe(true);
    const entryPoints = await listEntryPoints(`${DIST}functions`);
    const result = await new Promise<{ http?: string[]; hasHttpRequest?: boolean; error?: string }>(
      (resolve, reject) => {
        const worker = new Worker(WORKER, {
          eval: true,
          workerData: {
            urls: entryPoints.map((file) => pathToFileURL(file).href),
            registry: pathToFileURL(`${DIST}shared/registry/function-registry.js`).href,
            runtime: pathToFileURL(`${DIST}shared/runtime/functions-runtime.js`).href,
          },
        });
        worker.once('message', (message) => {
          void worker.terminate();
          resolve(message as { http?: string[] });
        });
        worker.once('error', reject);
      },
    );
    expect(result.error).toBeUndefined();
    expect(result.hasHttpRequest).toBe(true);
    expect(result.http).toEqual(
      expect.arrayContaining([
        'platform-get-health',
        'data-list-awards',
        'compliance-verify-audit',
      ]),
    );
  });
});
