import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, rename, unlink } from 'node:fs/promises';

/**
 * Writes `text` to a new owner-only (0600) file beside `path`, fsyncs it, and returns its name:
 * the first half of placing a file whole, by `link` (only if absent) or `rename` (replacing).
 */
export async function writeOwnerOnlyTemp(path: string, text: string): Promise<string> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    // The umask can only narrow the mode; chmod makes it exactly 0600 whatever the umask was.
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/** Makes the directory's entries (a new or renamed file) durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` in `dir` with `text`, owner-only: a reader sees the old file or the new one
 * whole, and the new one survives a crash once this resolves.
 */
export async function replaceOwnerOnly(dir: string, path: string, text: string): Promise<void> {
  const temp = await writeOwnerOnlyTemp(path, text);
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * Creates `path` in `dir` with `text`, owner-only, only if nothing is there: the file appears
 * whole or not at all (`link` fails on an existing name). Resolves to false when it existed.
 */
export async function createExclusively(dir: string, path: string, text: string): Promise<boolean> {
  const temp = await writeOwnerOnlyTemp(path, text);
  try {
    await link(temp, path);
    await syncDirectory(dir);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp);
  }
}
