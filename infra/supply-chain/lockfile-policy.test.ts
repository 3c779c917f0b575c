import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  checkLicences,
  checkLockfile,
  isAllowedExpression,
  type Lockfile,
  type PackageManifest,
} from './lockfile-policy.js';

const readRepoJson = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8')) as unknown;

const sound: Lockfile = {
  lockfileVersion: 3,
  packages: {
    '': { dependencies: { zod: '4.6.7' } },
    'node_modules/zod': { version: '4.6.7', integrity: 'sha512-abc', license: 'MIT' },
  },
};

describe('licence allow-list', () => {
  it('passes the repository lockfile', () => {
    expect(checkLicences(readRepoJson('package-lock.json') as Lockfile)).toEqual([]);
  });

  it('rejects a copyleft package', () => {
    const lock: Lockfile = {
      packages: { 'node_modules/gpl-thing': { version: '1.0.0', license: 'GPL-3.0-only' } },
    };
    expect(checkLicences(lock)).toEqual([
      'gpl-thing@1.0.0: licence GPL-3.0-only is not on the allow-list',
    ]);
  });

  it('rejects a package with no licence and no review', () => {
    const lock: Lockfile = {
      packages: { 'node_modules/a/node_modules/mystery': { version: '0.1.0' } },
    };
    expect(checkLicences(lock)).toEqual([
      'mystery@0.1.0: no licence in the lockfile and no reviewed entry',
    ]);
  });

  it('reads SPDX OR and AND expressions', () => {
    expect(isAllowedExpression('(EDL-1.0 OR EPL-1.0)')).toBe(true);
    expect(isAllowedExpression('MIT AND GPL-2.0-only')).toBe(false);
  });
});

describe('lockfile integrity', () => {
  it('passes the repository lockfile and package.json', () => {
    const problems = checkLockfile(
      readRepoJson('package-lock.json') as Lockfile,
      readRepoJson('package.json') as PackageManifest,
    );
    expect(problems).toEqual([]);
  });

  it('rejects a package without an integrity hash or from another registry', () => {
    const lock: Lockfile = {
      ...sound,
      packages: {
        ...sound.packages,
        'node_modules/evil': { version: '1.0.0', resolved: 'https://example.test/evil.tgz' },
      },
    };
    expect(checkLockfile(lock, { dependencies: { zod: '4.6.7' } })).toEqual([
      'evil@1.0.0: missing sha512 integrity hash',
      'evil@1.0.0: resolved outside the npm registry (https://example.test/evil.tgz)',
    ]);
  });

  it('rejects a range in package.json and a manifest the lockfile does not match', () => {
    expect(checkLockfile(sound, { dependencies: { zod: '^4.6.7' } })).toEqual([
      'zod: package.json dependencies has ^4.6.7, lockfile has 4.6.7',
      'zod: version ^4.6.7 is not pinned exactly',
    ]);
  });
});
