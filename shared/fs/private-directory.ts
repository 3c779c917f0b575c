import { lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Creates `dir` owner-only (0700) when it is absent, and refuses one another user could have
 * prepared: owned by someone else, or writable by group or others. Such a directory lets its
 * owner plant files the process would trust (a signing key, a store) or swap them between runs.
 *
 * @throws Error naming the directory and the fix; nothing in it is read or written.
 */
export async function ensurePrivateDirectory(dir: string, purpose: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await assertPrivateDirectory(dir, purpose);
}

/**
 * The check of {@link ensurePrivateDirectory} alone, for a directory that must already exist. A
 * link is followed, but must be one's own too (another user could point it elsewhere later), and
 * the directory holding the target must not let others rename it away: not writable by group or
 * others, or sticky (as `/tmp` is), where only an entry's owner may rename it.
 */
export async function assertPrivateDirectory(dir: string, purpose: string): Promise<void> {
  const uid = process.getuid?.();
  const isOthers = (owner: number) => uid !== undefined && owner !== uid;
  const link = await lstat(dir);
  if (link.isSymbolicLink() && isOthers(link.uid)) {
    throw new Error(`${purpose} ${dir} is a link another user owns; use a directory of your own`);
  }
  const info = await stat(dir);
  if (!info.isDirectory()) throw new Error(`${purpose} ${dir} is not a directory`);
  if (isOthers(info.uid)) {
    throw new Error(`${purpose} ${dir} belongs to another user; use a directory of your own`);
  }
  if ((info.mode & 0o022) !== 0) {
    throw new Error(`${purpose} ${dir} is writable by group or others; chmod 700 it`);
  }
  const parent = await stat(dirname(await realpath(dir)));
  if ((parent.mode & 0o022) !== 0 && (parent.mode & 0o1000) === 0 && isOthers(parent.uid)) {
    throw new Error(`${purpose} ${dir} sits in a directory others may rename it out of`);
  }
}
