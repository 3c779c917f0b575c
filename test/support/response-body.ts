import { z } from 'zod';

import type { TestResponse } from './test-host.js';

const FieldIssue = z.object({ location: z.string(), path: z.string(), rule: z.string() });
const Problem = z.looseObject({
  code: z.string(),
  status: z.number(),
  correlationId: z.string(),
  detail: z.string().optional(),
  errors: z.array(FieldIssue).optional(),
});
const Fields = z.record(z.string(), z.unknown());
const Page = z.looseObject({ items: z.array(Fields), nextCursor: z.string().nullable() });

/** The problem document a refused request answered with; throws on any other body. */
export function problemOf(response: TestResponse): z.infer<typeof Problem> {
  return Problem.parse(response.body);
}

/** The error code of a problem document, or undefined for any other body (or none). */
export function codeOf(response: TestResponse): string | undefined {
  return Problem.safeParse(response.body).data?.code;
}

/** A JSON object body, its members left for the assertions to read. */
export function fieldsOf(response: TestResponse): Record<string, unknown> {
  return Fields.parse(response.body);
}

/** The numeric `id` of a created or read record. */
export function idOf(response: TestResponse): number {
  return z.looseObject({ id: z.number() }).parse(response.body).id;
}

/** One page of a list: its items and the cursor to the next page. */
export function pageOf(response: TestResponse): z.infer<typeof Page> {
  return Page.parse(response.body);
}
