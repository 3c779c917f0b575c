/**
 * The Azure Functions programming model, loaded with `require`.
 *
 * `@azure/functions` ships a CommonJS bundle whose named exports Node's ESM loader cannot see
 * (Azure/azure-functions-nodejs-library#287), so the classes are read off the module object. An
 * `import` of it would also have Node scan the 190 KB bundle for those exports first, about a
 * tenth of a cold start (`npm run bench`); `require` returns the same cached module without it.
 */
import { createRequire } from 'node:module';

import type * as AzureFunctions from '@azure/functions';

const functions = createRequire(import.meta.url)('@azure/functions') as typeof AzureFunctions;

export const { app, HttpRequest, HttpResponse, InvocationContext } = functions;

/** True inside the Functions host's Node worker, where `app.*` calls register functions. */
export function isInsideFunctionsHost(
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  return env['FUNCTIONS_WORKER_RUNTIME'] === 'node' && env['EDS_LOCAL_HOST'] !== 'true';
}
