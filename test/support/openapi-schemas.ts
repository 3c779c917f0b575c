import Ajv from 'ajv';
import { z } from 'zod';

const Schema = z.looseObject({
  $ref: z.string().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  items: z.unknown().optional(),
  oneOf: z.array(z.unknown()).optional(),
  anyOf: z.array(z.unknown()).optional(),
});
type Schema = z.infer<typeof Schema>;

const Served = z.looseObject({
  components: z.looseObject({ schemas: z.record(z.string(), z.unknown()) }),
  paths: z.record(z.string(), z.record(z.string(), z.looseObject({ responses: z.unknown() }))),
});

/** One segment of a JSON pointer inside a URI fragment. */
const segment = (text: string) =>
  encodeURIComponent(text.replaceAll('~', '~0').replaceAll('/', '~1'));

/**
 * Checks answers against the schemas of the served OpenAPI document. Its schemas use only
 * keywords that draft-07 shares with 2020-12 (`type` lists for null, `oneOf`, `enum`, `pattern`),
 * which ajv 6 reads.
 */
export interface ResponseSchemas {
  /** Why `body` does not match the documented schema of that response, or nothing. */
  errors(path: string, method: string, status: number, body: unknown): string[];
  /** Members of `body` the documented schema has no property for, as JSON paths. */
  undocumented(path: string, method: string, status: number, body: unknown): string[];
}

/** Validators over `document`, the parsed body of `GET /api/v1/openapi.json`. */
export function responseSchemas(document: unknown): ResponseSchemas {
  const served = Served.parse(document);
  const ajv = new Ajv({ allErrors: true, validateSchema: false });
  ajv.addSchema(served, 'openapi');

  const location = (path: string, method: string, status: number): string => {
    const responses = served.paths[path]?.[method]?.responses;
    const response = z.record(z.string(), z.unknown()).parse(responses)[String(status)];
    if (response === undefined) throw new Error(`${method} ${path} documents no ${status}`);
    const ref = z.looseObject({ $ref: z.string() }).safeParse(response);
    // A shared response (the host's own) is a problem document.
    if (ref.success || status >= 400) return 'openapi#/components/schemas/Problem';
    const parts = ['paths', path, method, 'responses', String(status), 'content'];
    return `openapi#/${[...parts, 'application/json', 'schema'].map(segment).join('/')}`;
  };

  const resolve = (schema: unknown): Schema => {
    const parsed = Schema.parse(schema);
    const name = parsed.$ref?.replace('#/components/schemas/', '');
    return name === undefined ? parsed : resolve(served.components.schemas[name]);
  };

  const extra = (value: unknown, schema: unknown, at: string): string[] => {
    const resolved = resolve(schema);
    const branches = resolved.oneOf ?? resolved.anyOf;
    if (branches !== undefined) {
      const found = branches.map((branch) => extra(value, branch, at));
      return found.reduce((best, next) => (next.length < best.length ? next : best));
    }
    if (Array.isArray(value)) {
      return resolved.items === undefined
        ? []
        : value.flatMap((item, index) => extra(item, resolved.items, `${at}[${index}]`));
    }
    if (typeof value !== 'object' || value === null || resolved.properties === undefined) return [];
    const properties = resolved.properties;
    return Object.entries(value).flatMap(([key, member]) =>
      Object.hasOwn(properties, key)
        ? extra(member, properties[key], `${at}.${key}`)
        : [`${at}.${key}`],
    );
  };

  return {
    errors(path, method, status, body) {
      const validate = ajv.compile({ $ref: location(path, method, status) });
      if (validate(body) === true) return [];
      return (validate.errors ?? []).map((error) => `${error.dataPath} ${error.message ?? ''}`);
    },
    undocumented(path, method, status, body) {
      const ref = location(path, method, status).slice('openapi#/'.length);
      const pointer = ref.split('/').map((part) => decodeURIComponent(part));
      const schema = pointer.reduce<unknown>(
        (node, part) =>
          z.record(z.string(), z.unknown()).parse(node)[
            part.replaceAll('~1', '/').replaceAll('~0', '~')
          ],
        served,
      );
      return extra(body, schema, '$');
    },
  };
}
