import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Resolves `segments` under `baseDir` and returns the absolute path, refusing any result outside
 * `baseDir`. This is the one place the codebase joins a path from data it did not write itself
 * (a file name from a request, a queue message, a manifest); lint forbids `node:path` join and
 * resolve everywhere else.
 *
 * > [!WARNING]
 * > The check is lexical. LIMITATION: a symbolic link inside `baseDir` that points outside it is
 * > not detected; callers serving untrusted trees should compare `fs.realpath` results as well.
 *
 * @throws Error when a segment contains a NUL byte or the result escapes `baseDir`.
 */
export function resolveInside(baseDir: string, ...segments: readonly string[]): string {
  if (segments.some((segment) => segment.includes('\0'))) {
    throw new Error('Path segment contains a NUL byte');
  }
  const base = resolve(baseDir);
  const target = resolve(base, ...segments);
  const fromBase = relative(base, target);
  if (fromBase === '' || isInside(fromBase)) {
    return target;
  }
  throw new Error('Path escapes its base directory');
}

function isInside(fromBase: string): boolean {
  return !isAbsolute(fromBase) && fromBase !== '..' && !fromBase.startsWith(`..${sep}`);
}
