import { addHttpFunction, type HttpFunctionDefinition } from '../registry/function-registry.js';
import { app, isInsideFunctionsHost } from '../runtime/functions-runtime.js';
import { createHttpHandler } from './http-pipeline.js';
import { isHandlerHeader } from './request-input.js';

/** A documented request header the pipeline never passes on would be a promise nothing keeps. */
function assertReadableHeaders(
  definition: Pick<HttpFunctionDefinition, 'name' | 'requestHeaders'>,
): void {
  const names = Object.keys(definition.requestHeaders?.shape ?? {});
  const unreadable = names.filter((name) => !isHandlerHeader(name));
  if (unreadable.length > 0) {
    const list = unreadable.join(', ');
    throw new Error(`Function "${definition.name}" documents headers it cannot read: ${list}`);
  }
}

/**
 * Declares an HTTP function: records it in the registry the local host serves from and, inside
 * the Functions host, registers it with `app.http` behind the request pipeline.
 *
 * @throws Error at cold start when the definition declares neither a permission nor `public`, or
 * documents a request header the pipeline does not pass to operations.
 */
export function defineHttpFunction<P, Q, B>(definition: HttpFunctionDefinition<P, Q, B>): void {
  assertReadableHeaders(definition);
  addHttpFunction(definition);
  if (!isInsideFunctionsHost() || definition.localOnly === true) return;
  const erased = definition as unknown as HttpFunctionDefinition;
  app.http(definition.name, {
    route: definition.route,
    methods: [...definition.methods, 'OPTIONS'],
    authLevel: 'anonymous',
    handler: createHttpHandler(erased),
  });
}
