import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { lockDataDir } from './data-dir-lock.js';

/** Above Linux's largest process id (2^22): no process can have it. */
const DEAD_PID = 2 ** 30;

describe('lockDataDir', () => {
  let parent: string;
  let dir: string;

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'eds-lock-'));
    dir = join(parent, 'pg');
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it('writes an owner-only lock holding this process id, and removes it on release', async () => {
    const lock = await lockDataDir(dir);
    expect(await readFile(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
    expect((await stat(`${dir}.lock`)).mode & 0o777).toBe(0o600);
    await lock.release();
    await lock.release();
    await expect(stat(`${dir}.lock`)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a second opener while the first holds it, naming the holder', async () => {
    const lock = await lockDataDir(dir);
    await expect(lockDataDir(dir)).rejects.toThrow(`open in process ${process.pid}`);
    await lock.release();
    const again = await lockDataDir(dir);
    await again.release();
  });

  it.each([
    ['a process that is gone', String(DEAD_PID)],
    ['no process id at all', 'not a pid'],
    ['an empty file', ''],
  ])('takes over a lock left by %s', async (_label, content) => {
    await writeFile(`${dir}.lock`, content);
    const lock = await lockDataDir(dir);
    expect(await readFile(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
    await lock.release();
  });
});
