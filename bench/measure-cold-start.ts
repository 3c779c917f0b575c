import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Compiled function entry points, as `package.json` `main` names them for the Functions host. */
export async function listEntryPoints(distFunctionsDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const capability of await readdir(distFunctionsDir, { withFileTypes: true })) {
    if (!capability.isDirectory()) continue;
    const dir = join(distFunctionsDir, capability.name);
    for (const file of await readdir(dir)) {
      if (file.endsWith('.function.js')) files.push(join(dir, file));
    }
  }
  return files.sort();
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const started = performance.now();
(async () => {
  for (const url of workerData.urls) await import(url);
  parentPort.postMessage(performance.now() - started);
})().catch((error) => parentPort.postMessage({ error: String(error && error.name) }));
`;

/**
 * Loads every entry point in a fresh worker (its own module graph, as a new host worker has)
 * and returns the milliseconds the imports took, as a host worker would load them, without the
 * host: `@azure/functions` finds no Functions runtime there (its test mode), so the `app.*`
 * calls register nothing.
 */
export function measureColdStart(entryPoints: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { urls: entryPoints.map((file) => pathToFileURL(file).href) },
      env: { ...process.env, EDS_LOG_LEVEL: 'silent' },
    });
    worker.once('message', (value: unknown) => {
      void worker.terminate();
      if (typeof value === 'number') resolve(value);
      else reject(new Error('cold start measurement failed'));
    });
    worker.once('error', reject);
  });
}
