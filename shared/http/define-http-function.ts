import { addHttpFunction, type HttpFunctionDefinition } from '../registry/function-registry.js';
import { app, isInsideFunctionsHost } from '../runtime/functions-runtime.js';
import { createHttpHandler } from './http-pipeline.js';

/**
 * Declares an HTTP function: records it in the registry the local host serves from and, inside
 * the Functions host, registers it with `app.http` behind the request pipeline.
 *
 * @throws Error at cold start when the definition declares neither a permission nor `public`.
 */
export function defineHttpFunction<P, Q, B>(definition: HttpFunctionDefinition<P, Q, B>): void {
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
