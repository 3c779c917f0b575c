import { access } from 'node:fs/promises';

/** Whether anything exists at `path` that this process can see; any failure reads as no. */
export async function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
