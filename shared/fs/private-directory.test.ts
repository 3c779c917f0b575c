import { chmod, chown, lchown, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { assertPrivateDirectory, ensurePrivateDirectory } from './private-directory.js';

/** A user id other than this process's: `nobody`. */
const OTHER_UID = 65534;

describe('ensurePrivateDirectory', () => {
  const made: string[] = [];
  const fresh = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eds-private-'));
    made.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('creates a missing directory owner-only and accepts it', async () => {
    const dir = join(await fresh(), 'data', 'nested');
    await ensurePrivateDirectory(dir, 'Data directory');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    await expect(assertPrivateDirectory(dir, 'Data directory')).resolves.toBeUndefined();
  });

  it('accepts a directory of its own that others may only read', async () => {
    const dir = await fresh();
    await chmod(dir, 0o755);
    await expect(ensurePrivateDirectory(dir, 'Data directory')).resolves.toBeUndefined();
  });

  it.each([0o777, 0o770, 0o702, 0o1777])(
    'refuses a directory with mode %o, which others may write into',
    async (mode) => {
      const dir = await fresh();
      await chmod(dir, mode);
      await expect(ensurePrivateDirectory(dir, 'Data directory')).rejects.toThrow(
        `Data directory ${dir} is writable by group or others; chmod 700 it`,
      );
    },
  );

  it('refuses a directory another user owns', async () => {
    // As root a directory is handed to nobody; otherwise `/` is someone else's already.
    let dir = '/';
    if (process.getuid?.() === 0) {
      dir = await fresh();
      await chown(dir, OTHER_UID, OTHER_UID);
    }
    await expect(assertPrivateDirectory(dir, 'Data directory')).rejects.toThrow(
      'belongs to another user',
    );
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses a link another user owns, though it points at a directory of its own',
    async () => {
      const base = await fresh();
      const target = join(base, 'mine');
      await ensurePrivateDirectory(target, 'Data directory');
      const link = join(base, 'shared-name');
      await symlink(target, link);
      await lchown(link, OTHER_UID, OTHER_UID);
      await expect(assertPrivateDirectory(link, 'Data directory')).rejects.toThrow(
        'is a link another user owns',
      );
    },
  );

  it.runIf(process.getuid?.() === 0)(
    'refuses a directory that others may rename away, unless its parent is sticky',
    async () => {
      const parent = await fresh();
      await chown(parent, OTHER_UID, OTHER_UID);
      await chmod(parent, 0o777);
      const dir = join(parent, 'data');
      await expect(ensurePrivateDirectory(dir, 'Data directory')).rejects.toThrow(
        'sits in a directory others may rename it out of',
      );
      await chmod(parent, 0o1777);
      await expect(assertPrivateDirectory(dir, 'Data directory')).resolves.toBeUndefined();
    },
  );

  it('refuses a path that is a file', async () => {
    const file = join(await fresh(), 'not-a-dir');
    await writeFile(file, 'x');
    await expect(assertPrivateDirectory(file, 'Data directory')).rejects.toThrow(
      'is not a directory',
    );
  });
});
