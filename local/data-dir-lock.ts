import { randomUUID } from 'node:crypto';
import { lstat, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { errorCodeOf } from '../shared/errors/error-code.js';
import { createExclusively } from '../shared/fs/owner-only-file.js';

/** Another live process (or this one) has the data directory open; the message names it. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/** A held lock on a data directory; `release` is safe to call twice. */
export interface DataDirLock {
  release(): Promise<void>;
}

/** When this process started, in whole milliseconds: tells it from an earlier one with its id. */
const STARTED_AT = Math.round(Date.now() - process.uptime() * 1000);
/** Two readings of STARTED_AT in one process differ by rounding only. */
const SAME_START_MS = 1000;
/** `<pid> <start ms> <nonce>`: the nonce tells apart two holders in one process. */
const HOLDER = /^(\d{1,10}) (\d{1,15}) [0-9a-f-]{36}\n$/;
/** How long to wait for another caller's takeover to finish, and how often to look. */
const ATTEMPTS = 50;
const RETRY_MS = 20;

interface Holder {
  readonly pid: number;
  readonly startedAt: number;
}

/** Whether the holder written in a lock still runs. Signal 0 only asks; it delivers nothing. */
function isRunning(holder: Holder): boolean {
  if (holder.pid === process.pid) {
    // Our own id: this process (another caller or thread), or an earlier one that had the same
    // id and died without releasing (PID 1 in a container restarted after a kill -9).
    return Math.abs(holder.startedAt - STARTED_AT) < SAME_START_MS;
  }
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's text and its holder (undefined when it names none: never finished, or foreign). */
async function readLock(path: string): Promise<{ text: string; holder: Holder | undefined }> {
  if (!(await lstat(path)).isFile()) {
    throw new DataDirInUseError(`Lock ${path} is not a regular file; remove it by hand`);
  }
  const text = await readFile(path, 'utf8');
  const match = HOLDER.exec(text);
  const holder =
    match === null ? undefined : { pid: Number(match[1]), startedAt: Number(match[2]) };
  return { text, holder };
}

/**
 * Removes a stale lock, never a live one: takers go one at a time through `<lock>.takeover`, and
 * the lock is removed only if it still reads as the stale text it was judged on. Resolves to
 * false when another taker is at it.
 */
async function takeOverStale(path: string, stale: string, mine: string): Promise<boolean> {
  const guard = `${path}.takeover`;
  if (!(await createExclusively(dirname(path), guard, mine))) return false;
  try {
    // Unreadable means gone (another taker removed it) or not the lock judged stale: keep it.
    if ((await readFile(path, 'utf8').catch(() => undefined)) === stale) await unlink(path);
    return true;
  } finally {
    await unlink(guard);
  }
}

/**
 * Takes the lock beside `dir` (`<dir>.lock`), so two processes never open one embedded store at
 * once: PGlite itself does not refuse a second opener, and two would corrupt the cluster. The
 * lock is created whole (`createExclusively`: written aside, then hard-linked into place), so
 * nobody reads it half written. A lock whose process is gone (a crash, a kill -9), or that names
 * no process, is taken over, one taker at a time.
 *
 * LIMITATION: a process that dies in the instant it holds `<lock>.takeover` leaves it behind;
 * later openers then refuse until someone removes it.
 *
 * @throws DataDirInUseError naming the holder when another live process, or this one, holds it,
 *   or when the lock path is not a regular file.
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const path = `${dir}.lock`;
  const mine = `${process.pid} ${STARTED_AT} ${randomUUID()}\n`;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    if (await createExclusively(dirname(path), path, mine)) {
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          // Unreadable means gone (removed by hand, or taken over): nothing of ours to remove.
          if ((await readFile(path, 'utf8').catch(() => '')) === mine) await unlink(path);
        },
      };
    }
    let lock: Awaited<ReturnType<typeof readLock>>;
    try {
      lock = await readLock(path);
    } catch (error) {
      if (errorCodeOf(error) === 'ENOENT') continue;
      throw error;
    }
    const { holder } = lock;
    if (holder !== undefined && isRunning(holder)) {
      throw new DataDirInUseError(
        `Embedded store ${dir} is open in process ${holder.pid}; stop that first`,
      );
    }
    if (!(await takeOverStale(path, lock.text, mine))) await sleep(RETRY_MS);
  }
  throw new DataDirInUseError(
    `Embedded store ${dir}: a takeover of its stale lock did not finish; ` +
      `if ${path}.takeover stays, remove it by hand`,
  );
}
