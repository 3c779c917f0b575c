import { readdir, readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

describe('functions/index.ts', () => {
  it('imports every *.function.ts so the local host serves what Azure registers', async () => {
    const root = new URL('../../functions/', import.meta.url);
    const index = await readFile(new URL('index.ts', root), 'utf8');
    const missing: string[] = [];
    for (const entry of await readdir(root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      for (const file of await readdir(new URL(`${entry.name}/`, root))) {
        if (!file.endsWith('.function.ts')) continue;
        const specifier = `./${entry.name}/${file.replace(/\.ts$/, '.js')}`;
        if (!index.includes(`'${specifier}'`)) missing.push(specifier);
      }
    }
    expect(missing).toEqual([]);
  });
});
