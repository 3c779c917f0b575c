import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DataDirInUseError, lockDataDir } from './data-dir-lock.js';

/** Above Linux's largest process id (2^22): no process can have it. */
const DEAD_PID = 2 ** 30;
const OWN_HOLDER = new RegExp(`^${process.pid} \\d+ [0-9a-f-]{36}\\n$`);

describe('lockDataDir', () => {
  let parent: string;
  let dir: string;

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'eds-lock-'));
    dir = join(parent, 'pg');
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it('writes an owner-only lock naming this process, and removes it on release', async () => {
    const lock = await lockDataDir(dir);
    expect(await readFile(`${dir}.lock`, 'utf8')).toMatch(OWN_HOLDER);
    expect((await stat(`${dir}.lock`)).mode & 0o777).toBe(0o600);
    await lock.release();
    await lock.release();
    expect(await readdir(parent)).toEqual([]);
  });

  it('refuses a second opener while the first holds it, naming the holder', async () => {
    const lock = await lockDataDir(dir);
    const second = lockDataDir(dir);
    await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(second).rejects.toThrow(`open in process ${process.pid}`);
    await lock.release();
    const again = await lockDataDir(dir);
    await again.release();
  });

  it.each([
    ['a process that is gone', `${DEAD_PID} 1700000000000 ${randomUUID()}\n`],
    [
      'an earlier process with this id (restarted after kill -9)',
      `${process.pid} 1 ${randomUUID()}\n`,
    ],
    ['a bare process id, as no version of this lock writes', String(process.pid)],
    ['text that names no process', 'not a pid'],
    ['an empty file', ''],
  ])('takes over a lock left by %s', async (_label, content) => {
    await writeFile(`${dir}.lock`, content);
    const lock = await lockDataDir(dir);
    expect(await readFile(`${dir}.lock`, 'utf8')).toMatch(OWN_HOLDER);
    await lock.release();
  });

  it.skipIf(process.pid === 1)('refuses a lock held by another live process', async () => {
    // Process 1 always runs; `kill(1, 0)` answers for it without touching it.
    const content = `1 0 ${randomUUID()}\n`;
    await writeFile(`${dir}.lock`, content);
    await expect(lockDataDir(dir)).rejects.toThrow('open in process 1;');
    expect(await readFile(`${dir}.lock`, 'utf8')).toBe(content);
  });

  it('refuses, without touching it, a lock path that is not a regular file', async () => {
    await mkdir(`${dir}.lock`);
    await expect(lockDataDir(dir)).rejects.toThrow(/not a regular file/);
    expect((await stat(`${dir}.lock`)).isDirectory()).toBe(true);
  });

  it.each([
    ['no lock', undefined],
    ['a stale lock', `${DEAD_PID} 1700000000000 ${randomUUID()}\n`],
  ])('lets exactly one of eight racing openers in, over %s', async (_label, stale) => {
    for (let round = 0; round < 20; round += 1) {
      if (stale !== undefined) await writeFile(`${dir}.lock`, stale);
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => lockDataDir(dir)));
      const held = outcomes.flatMap((outcome) =>
        outcome.status === 'fulfilled' ? [outcome.value] : [],
      );
      expect(held, `round ${round}`).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(DataDirInUseError);
      }
      await held[0]?.release();
      expect(await readdir(parent)).toEqual([]);
    }
  });
});
