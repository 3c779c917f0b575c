import { parseArgs } from 'node:util';

import { z } from 'zod';

import { isDivision } from '../shared/auth/divisions.js';
import { APP_ONLY_ROLES, APP_ROLES, isRole, type Role } from '../shared/auth/roles.js';
import { loadConfig } from '../shared/config/app-config.js';
import { openDevIssuer } from '../local/dev-issuer/dev-issuer.js';

const USAGE = `Usage: npm run token -- --role EDS.Analyst [--role ...] [--division DC ...] [--app]
  [--lifetime SECONDS (60 to 86400, default 3600)] [--oid UUID]
Prints a bearer token signed with the local development issuer's key (dev-issuer/ under
EDS_DATA_DIR, default .data). Run it with the same EDS_PORT and EDS_DATA_DIR as npm start, or
the host refuses the token (401).`;

/** An object id as the token verifier reads one (an RFC 9562 UUID). */
const ObjectId = z.uuid();

/**
 * Why a token with these claims would be refused or grant nothing, as the host reads it: an
 * object id that is not a UUID (401), no role, or a role the other kind of principal holds (the
 * verifier drops it, so the token gets 403 wherever that role was meant to open).
 */
function uselessTokenReason(
  roles: readonly Role[],
  app: boolean,
  oid: string | undefined,
): string | undefined {
  if (oid !== undefined && !ObjectId.safeParse(oid).success)
    return `--oid must be a UUID, not ${oid}`;
  if (roles.length === 0) return 'Name at least one --role';
  const misplaced = app
    ? roles.filter((role) => !APP_ROLES.includes(role))
    : roles.filter((role) => APP_ONLY_ROLES.includes(role));
  if (misplaced.length === 0) return undefined;
  return app
    ? `An application token cannot carry ${misplaced.join(', ')}: only ${APP_ROLES.join(', ')}`
    : `${misplaced.join(', ')} is for application tokens only: add --app`;
}

/** Options that take one value: given twice, which one was meant is a guess, so neither is. */
const SINGLE_OPTIONS = new Set(['app', 'lifetime', 'oid', 'help']);

function parseOptions() {
  const parsed = parseArgs({
    options: {
      role: { type: 'string', multiple: true, default: [] },
      division: { type: 'string', multiple: true, default: [] },
      app: { type: 'boolean', default: false },
      lifetime: { type: 'string', default: '3600' },
      oid: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    tokens: true,
  });
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || !SINGLE_OPTIONS.has(token.name)) continue;
    if (seen.has(token.name)) throw new Error(`--${token.name} is given more than once`);
    seen.add(token.name);
  }
  return parsed;
}

/** Prints a development bearer token for the roles and divisions asked for. */
async function main(): Promise<void> {
  let values: ReturnType<typeof parseOptions>['values'];
  try {
    values = parseOptions().values;
  } catch (error) {
    // An unknown or repeated option, a missing value or a value that reads as an option: no
    // token.
    const reason = error instanceof Error ? error.message : 'bad arguments';
    process.stderr.write(`${reason}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const roles = values.role.flatMap((r) => r.split(','));
  const divisions = values.division.flatMap((d) => d.split(',')).map((d) => d.toUpperCase());
  const unknown = [...roles.filter((r) => !isRole(r)), ...divisions.filter((d) => !isDivision(d))];
  const known = roles.filter(isRole);
  // Plain decimal digits only: `Number` would also read `1e3` and `0x100`, and `0600` is refused
  // rather than read as 600 seconds by someone who meant octal.
  const lifetime = /^[1-9]\d{0,5}$/.test(values.lifetime) ? Number(values.lifetime) : Number.NaN;
  const problems = [
    ...(unknown.length > 0 ? [`Unknown role or division: ${unknown.join(', ')}`] : []),
    ...(Number.isInteger(lifetime) && lifetime >= 60 && lifetime <= 86_400
      ? []
      : ['--lifetime must be a whole number of seconds from 60 to 86400']),
  ];
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const refusal = uselessTokenReason(known, values.app, values.oid);
  if (refusal !== undefined) {
    process.stderr.write(`${refusal}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const issuer = await openDevIssuer({
    dataDir: config.dataDir,
    issuer: config.issuer,
    audience: config.audience,
    tenantId: config.tenantId,
  });
  const token = await issuer.mint({
    roles,
    divisions,
    app: values.app,
    lifetimeSeconds: lifetime,
    ...(values.oid === undefined ? {} : { objectId: values.oid }),
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : 'token failed'}\n`);
  process.exitCode = 1;
});
