import { mkdir, stat } from 'node:fs/promises';

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

/** The check of {@link ensurePrivateDirectory} alone, for a directory that must already exist. */
export async function assertPrivateDirectory(dir: string, purpose: string): Promise<void> {
  // stat, not lstat: a link to a directory of one's own is fine; its target is what is checked.
  const info = await stat(dir);
  if (!info.isDirectory()) throw new Error(`${purpose} ${dir} is not a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(`${purpose} ${dir} belongs to another user; use a directory of your own`);
  }
  if ((info.mode & 0o022) !== 0) {
    throw new Error(`${purpose} ${dir} is writable by group or others; chmod 700 it`);
  }
}
