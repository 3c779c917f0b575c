import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

import {
  checkLicences,
  checkLockfile,
  type Lockfile,
  type PackageManifest,
} from './lockfile-policy.js';

function readJson(fileName: string): unknown {
  return JSON.parse(
    readFileSync(new URL(fileName, pathToFileURL(`${process.cwd()}/`)), 'utf8'),
  ) as unknown;
}

function main(check: string | undefined): number {
  const lock = readJson('package-lock.json') as Lockfile;
  const manifest = readJson('package.json') as PackageManifest;
  const problems =
    check === 'licences'
      ? checkLicences(lock)
      : check === 'lockfile'
        ? checkLockfile(lock, manifest)
        : undefined;
  if (problems === undefined) {
    process.stderr.write('usage: node dist/infra/supply-chain/cli.js licences|lockfile\n');
    return 2;
  }
  for (const problem of problems) {
    process.stderr.write(`${check}: ${problem}\n`);
  }
  process.stdout.write(
    `${check}: ${problems.length === 0 ? 'pass' : `${problems.length} problem(s)`}\n`,
  );
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv[2]);
