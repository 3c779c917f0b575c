import type { z } from 'zod';

/** Process environment as the config loaders read it. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** A parsed environment, or the names of the variables it rejected (never their values). */
export type EnvParseResult<Data> =
  | { readonly success: true; readonly data: Data }
  | { readonly success: false; readonly names: readonly string[] };

/**
 * Parses environment variables with `schema`, reporting only which variables failed.
 *
 * For callers that report a bad environment themselves (a script's exit code); everyone else
 * calls {@link parseEnv}.
 */
export function safeParseEnv<Schema extends z.ZodType>(
  schema: Schema,
  env: EnvSource,
): EnvParseResult<z.output<Schema>> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return { success: true, data: parsed.data };
  const names = parsed.error.issues.map((issue) => issue.path.map(String).join('.'));
  return { success: false, names };
}

/**
 * Parses environment variables with `schema`, once, at cold start.
 *
 * > [!WARNING]
 * > The message names the failing variables and nothing else: Zod's issue messages can quote
 * > the value, and a value may be a connection string or a secret.
 *
 * @throws Error `Invalid configuration: <names>` when any variable is missing or malformed.
 */
export function parseEnv<Schema extends z.ZodType>(
  schema: Schema,
  env: EnvSource,
): z.output<Schema> {
  const parsed = safeParseEnv(schema, env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${parsed.names.join(', ')}`);
  return parsed.data;
}
