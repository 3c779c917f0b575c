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

export type OpenApiOperation = z.infer<typeof Operation>;
export type OpenApiDocument = z.infer<typeof Document>;

/** The served document, parsed just enough for the assertions; throws on any other shape. */
export function parseOpenApiDocument(body: unknown): OpenApiDocument {
  return Document.parse(body);
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
