import { z } from 'zod';

const Parameter = z.looseObject({ name: z.string(), in: z.string(), required: z.boolean() });
const Response = z.looseObject({
  description: z.string(),
  headers: z.record(z.string(), z.looseObject({ required: z.boolean() })).optional(),
  content: z.record(z.string(), z.looseObject({ schema: z.unknown() })).optional(),
});
const Operation = z.looseObject({
  operationId: z.string(),
  'x-eds-permission': z.string(),
  security: z.array(z.unknown()),
  parameters: z.array(Parameter).optional(),
  responses: z.record(z.string(), Response),
});
const Document = z.looseObject({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), Operation)),
});
const Reference = z.object({ $ref: z.string().startsWith('#/components/responses/') });
const Served = z.looseObject({
  components: z.looseObject({ responses: z.record(z.string(), z.unknown()).optional() }),
  paths: z.record(
    z.string(),
    z.record(z.string(), z.looseObject({ responses: z.record(z.string(), z.unknown()) })),
  ),
});

export type OpenApiOperation = z.infer<typeof Operation>;
export type OpenApiDocument = z.infer<typeof Document>;

/**
 * The served document, parsed just enough for the assertions, with every response that refers to
 * `components/responses` replaced by the one it names; throws on any other shape or a dangling
 * reference.
 */
export function parseOpenApiDocument(body: unknown): OpenApiDocument {
  const served = Served.parse(body);
  const shared = served.components.responses ?? {};
  const resolve = (response: unknown): unknown => {
    const reference = Reference.safeParse(response);
    if (!reference.success) return response;
    const name = reference.data.$ref.slice('#/components/responses/'.length);
    if (!Object.hasOwn(shared, name)) throw new Error(`${reference.data.$ref} is not defined`);
    return shared[name];
  };
  const paths = Object.fromEntries(
    Object.entries(served.paths).map(([path, methods]) => [
      path,
      Object.fromEntries(
        Object.entries(methods).map(([method, operation]) => [
          method,
          {
            ...operation,
            responses: Object.fromEntries(
              Object.entries(operation.responses).map(([status, r]) => [status, resolve(r)]),
            ),
          },
        ]),
      ),
    ]),
  );
  return Document.parse({ ...served, paths });
}

/** The error codes a problem response names: its description reads `Problem details: A, B`. */
export function documentedCodes(response: { readonly description: string }): string[] {
  const listed = /^Problem details: ([A-Z_]+(?:, [A-Z_]+)*)/.exec(response.description)?.[1];
  return listed === undefined ? [] : listed.split(', ');
}

/** Every operation of the document by its `operationId`. */
export function operationsOf(document: OpenApiDocument): Map<string, OpenApiOperation> {
  return new Map(
    Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((operation) => [operation.operationId, operation] as const),
    ),
  );
}

/** The statuses an operation documents, as numbers, in ascending order. */
export function documentedStatuses(operation: OpenApiOperation): number[] {
  return Object.keys(operation.responses)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The header parameters of an operation: name, and whether it is required. */
export function headerParameters(operation: OpenApiOperation): Record<string, boolean> {
  const headers = (operation.parameters ?? []).filter((parameter) => parameter.in === 'header');
  return Object.fromEntries(headers.map((parameter) => [parameter.name, parameter.required]));
}
