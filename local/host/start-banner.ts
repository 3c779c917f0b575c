import type { AppConfig } from '../../shared/config/app-config.js';

/**
 * Settings the token CLI must share with the host: it signs with the key under the data
 * directory, and names the issuer (on the host's address and port, for its tenant) and the
 * audience.
 */
const SHARED_SETTINGS = [
  'EDS_PORT',
  'EDS_DATA_DIR',
  'EDS_TENANT_ID',
  'EDS_AUDIENCE',
  'EDS_ISSUER',
  'EDS_PUBLIC_BASE_URL',
] as const;

/** A value as one shell word: bare when plain, single-quoted otherwise. */
function shellWord(value: string): string {
  return /^[\w./:-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * What `npm start` prints: where the host listens, and token and curl commands that work as
 * printed, carrying the port and data directory the host was started with.
 */
export function startBanner(
  config: Pick<AppConfig, 'baseUrl' | 'issuer' | 'dataDir'>,
  seeded: boolean,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const settings = SHARED_SETTINGS.flatMap((name) => {
    const value = env[name];
    return value === undefined || value === '' ? [] : [`${name}=${shellWord(value)} `];
  }).join('');
  const tokenCommand = `${settings}npm run -s token -- --role EDS.Analyst --division DC`;
  const awardsUrl = `${config.baseUrl}/api/v1/awards`;
  return [
    '',
    `EDS local host listening on ${config.baseUrl}/api`,
    `  issuer:   ${config.issuer}`,
    `  data:     ${config.dataDir} (${seeded ? 'finance data ready' : 'no seed'})`,
    `  token:    ${tokenCommand}`,
    `  try:      curl -H "Authorization: Bearer $(${tokenCommand})" ${awardsUrl}`,
    `  api:      ${config.baseUrl}/api/v1/openapi.json`,
    '',
  ].join('\n');
}
