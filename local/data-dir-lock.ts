import { open, readFile, rm } from 'node:fs/promises';

/** Another live process (or this one) has the data directory open; the message names it. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/** A held lock on a data directory; `release` is safe to call twice. */
export interface DataDirLock {
  release(): Promise<void>;
}

/** Whether a process with this id is running (signal 0 only asks; it delivers nothing). */
function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock beside `dir` (`<dir>.lock`, holding this process's id), so two processes never
 * open one embedded store at once: PGlite itself does not refuse a second opener, and two would
 * corrupt the cluster. A lock whose process is gone (a crash, a kill -9) is taken over.
 *
 * @throws DataDirInUseError naming the holding process when another live process, or this one,
 *   holds it.
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const path = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (isRunning(holder)) {
        const message = `Embedded store ${dir} is open in process ${holder}; stop that first`;
        throw new DataDirInUseError(message, { cause: error });
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`Embedded store ${dir}: could not take its lock`);
}
