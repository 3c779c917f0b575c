/**
 * Supply-chain checks over package-lock.json, the only source of dependency versions: every
 * package has a registry integrity hash, comes from the public npm registry, matches
 * package.json, and carries a licence on the allow-list.
 */

/** SPDX identifiers EDS may ship (permissive, or file-level weak copyleft: MPL-2.0). */
export const ALLOWED_LICENCES: ReadonlySet<string> = new Set([
  'MIT',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'Unlicense',
  'CC0-1.0',
  'MPL-2.0',
  'EDL-1.0',
  'Python-2.0',
]);

/**
 * Packages whose lockfile entry lacks a licence field, with the licence a reviewer read in the
 * package itself. Keyed by name@version so an upgrade needs a fresh review.
 */
export const REVIEWED_LICENCES: Readonly<Record<string, string>> = {
  'get-closest@0.0.4': 'MIT',
  'semaphore@1.1.0': 'MIT',
};

const REGISTRY = 'https://registry.npmjs.org/';

export interface LockedPackage {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly license?: string;
  readonly link?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

export interface Lockfile {
  readonly lockfileVersion?: number;
  readonly packages?: Readonly<Record<string, LockedPackage>>;
}

export interface PackageManifest {
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

function packageName(path: string): string {
  return path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

function installedPackages(lock: Lockfile): [string, LockedPackage][] {
  return Object.entries(lock.packages ?? {}).filter(
    ([path, entry]) => path !== '' && entry.link !== true,
  );
}

/**
 * True when an SPDX expression is satisfied by allowed licences
 * (`A OR B` needs one, `AND` all).
 */
export function isAllowedExpression(expression: string): boolean {
  const trimmed = expression.trim().replace(/^\((.*)\)$/, '$1');
  if (/\sOR\s/.test(trimmed)) {
    return trimmed.split(/\s+OR\s+/).some(isAllowedExpression);
  }
  if (/\sAND\s/.test(trimmed)) {
    return trimmed.split(/\s+AND\s+/).every(isAllowedExpression);
  }
  return ALLOWED_LICENCES.has(trimmed);
}

/** Problems with licences in the lockfile; empty when every package is allowed. */
export function checkLicences(lock: Lockfile): string[] {
  return installedPackages(lock).flatMap(([path, entry]) => {
    const id = `${packageName(path)}@${entry.version ?? '?'}`;
    const licence = entry.license ?? REVIEWED_LICENCES[id];
    if (licence === undefined) {
      return [`${id}: no licence in the lockfile and no reviewed entry`];
    }
    return isAllowedExpression(licence)
      ? []
      : [`${id}: licence ${licence} is not on the allow-list`];
  });
}

/** Problems with lockfile integrity and provenance; empty when the lockfile is sound. */
export function checkLockfile(lock: Lockfile, manifest: PackageManifest): string[] {
  const problems: string[] = [];
  if (lock.lockfileVersion !== 3) {
    problems.push(`lockfileVersion must be 3 (found ${String(lock.lockfileVersion)})`);
  }
  for (const [path, entry] of installedPackages(lock)) {
    const id = `${packageName(path)}@${entry.version ?? '?'}`;
    if (entry.integrity === undefined || !entry.integrity.startsWith('sha512-')) {
      problems.push(`${id}: missing sha512 integrity hash`);
    }
    if (entry.resolved !== undefined && !entry.resolved.startsWith(REGISTRY)) {
      problems.push(`${id}: resolved outside the npm registry (${entry.resolved})`);
    }
  }
  const root = lock.packages?.[''] ?? {};
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const wanted = manifest[field] ?? {};
    const locked = root[field] ?? {};
    for (const [name, range] of Object.entries(wanted)) {
      if (locked[name] !== range) {
        problems.push(
          `${name}: package.json ${field} has ${range}, lockfile has ${locked[name] ?? 'nothing'}`,
        );
      }
      if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(range)) {
        problems.push(`${name}: version ${range} is not pinned exactly`);
      }
    }
  }
  return problems;
}
