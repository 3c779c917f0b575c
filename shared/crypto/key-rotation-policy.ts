import { z } from 'zod';

import { parseEnv } from '../config/parse-env.js';
import type { Logger } from '../logging/logger.js';
import type { KeyEncryptionKeyProvider } from './key-encryption-key.js';
import type { KeyVersionInfo } from './local-key-ring.js';

/** NCRONTAB (seconds first, UTC) of the rotation check: daily at 03:30. */
export const DEFAULT_KEY_ROTATION_SCHEDULE = '0 30 3 * * *';
/** Age at which a locally held KEK is replaced; Key Vault's rotation policy says the same. */
export const DEFAULT_KEY_ROTATION_DAYS = 90;

const DAY_MS = 24 * 60 * 60 * 1000;

/** When the rotation timer runs and how old a KEK version may grow. */
export interface KeyRotationPolicy {
  readonly schedule: string;
  readonly maxAgeDays: number;
}

/** A key holder that rotates on request: the local key ring. Key Vault rotates on its own. */
export interface RotatableKeyHolder extends KeyEncryptionKeyProvider {
  listVersions(): readonly KeyVersionInfo[];
  rotate(): Promise<string>;
}

const ncrontab = z
  .string()
  .trim()
  .refine((value) => value.split(/\s+/).length === 6, 'six fields, seconds first')
  // Field syntax only: the Functions host (and the local scheduler) parse the schedule itself at
  // registration, and a full parser here would weigh on every cold start.
  .refine(
    (value) => value.split(/\s+/).every((field) => /^[0-9A-Za-z*?/,-]+$/.test(field)),
    'not a cron expression',
  );

const PolicyEnvSchema = z.object({
  EDS_KEY_ROTATION_SCHEDULE: ncrontab.default(DEFAULT_KEY_ROTATION_SCHEDULE),
  EDS_KEY_ROTATION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(DEFAULT_KEY_ROTATION_DAYS),
});

/**
 * Reads the rotation policy from `EDS_KEY_ROTATION_SCHEDULE` (NCRONTAB, default daily) and
 * `EDS_KEY_ROTATION_DAYS` (default 90).
 *
 * @throws Error naming the malformed variable (never its value), at cold start.
 */
export function loadKeyRotationPolicy(
  env: Readonly<Record<string, string | undefined>> = process.env,
): KeyRotationPolicy {
  const policy = parseEnv(PolicyEnvSchema, {
    EDS_KEY_ROTATION_SCHEDULE: env['EDS_KEY_ROTATION_SCHEDULE'] || undefined,
    EDS_KEY_ROTATION_DAYS: env['EDS_KEY_ROTATION_DAYS'] || undefined,
  });
  return { schedule: policy.EDS_KEY_ROTATION_SCHEDULE, maxAgeDays: policy.EDS_KEY_ROTATION_DAYS };
}

/** True when `kek` can mint a new version on request (the local key ring). */
export function isRotatableKeyHolder(kek: KeyEncryptionKeyProvider): kek is RotatableKeyHolder {
  const candidate = kek as Partial<RotatableKeyHolder>;
  return typeof candidate.rotate === 'function' && typeof candidate.listVersions === 'function';
}

/**
 * Adds a new KEK version when the current one is at least `maxAgeDays` old, and returns it
 * (undefined when none was due). Logs `crypto.kek_rotated` with the new version's name.
 *
 * LIMITATION: the local key ring rotates safely from one process at a time (see
 * `openLocalKeyRing`); the local host is one process, so its timer is that one.
 */
export async function rotateKekIfDue(
  holder: RotatableKeyHolder,
  policy: KeyRotationPolicy,
  logger: Logger,
  now: Date = new Date(),
): Promise<string | undefined> {
  const current = await holder.currentVersion();
  const info = holder.listVersions().find((version) => version.version === current);
  const ageMs =
    info === undefined ? Number.POSITIVE_INFINITY : now.getTime() - Date.parse(info.createdAt);
  if (ageMs < policy.maxAgeDays * DAY_MS) return undefined;
  const keyVersion = await holder.rotate();
  logger.info('crypto.kek_rotated', { keyVersion, version: current });
  return keyVersion;
}
