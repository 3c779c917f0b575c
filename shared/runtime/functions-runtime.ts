/**
 * The Azure Functions programming model, imported the one way that works from ES modules.
 *
 * `@azure/functions` ships a CommonJS bundle whose named exports Node's ESM loader cannot see
 * (Azure/azure-functions-nodejs-library#287), so the classes are read off the default export.
 */
import functions from '@azure/functions';

export const { app, HttpRequest, HttpResponse, InvocationContext } = functions;

/** True inside the Functions host's Node worker, where `app.*` calls register functions. */
export function isInsideFunctionsHost(
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  return env['FUNCTIONS_WORKER_RUNTIME'] === 'node' && env['EDS_LOCAL_HOST'] !== 'true';
}
