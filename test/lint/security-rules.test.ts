import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Each fixture and the one rule it exists to trip. */
const FIXTURES: readonly (readonly [fixture: string, ruleId: string])[] = [
  ['eval-call.ts', 'no-eval'],
  ['new-function.ts', 'no-new-func'],
  ['implied-eval.ts', '@typescript-eslint/no-implied-eval'],
  ['child-process-import.ts', 'no-restricted-imports'],
  ['child-process-require.ts', 'no-restricted-syntax'],
  ['dynamic-import.ts', 'no-restricted-syntax'],
  ['dynamic-require.ts', 'no-restricted-syntax'],
  ['math-random.ts', 'no-restricted-properties'],
  ['explicit-any.ts', '@typescript-eslint/no-explicit-any'],
  ['path-join.ts', 'no-restricted-imports'],
  ['path-default.ts', 'no-restricted-imports'],
  ['v8-deserialize.ts', 'no-restricted-imports'],
  ['vm-run.ts', 'no-restricted-imports'],
  ['yaml-load.ts', 'no-restricted-imports'],
  ['unserialize-call.ts', 'no-restricted-syntax'],
  ['disable-without-reason.ts', 'eds/require-disable-reason'],
];

const eslint = new ESLint({ cwd: repoRoot, ignore: false });

async function lintFixture(fixture: string): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintFiles([`test/lint/fixtures/${fixture}`]);
  if (result === undefined) {
    throw new Error(`ESLint returned no result for ${fixture}`);
  }
  return result;
}

describe('security lint rules', () => {
  it.each(FIXTURES)('%s trips %s', async (fixture, ruleId) => {
    const result = await lintFixture(fixture);
    expect(result.messages.filter((message) => message.fatal === true)).toEqual([]);
    expect(result.messages.map((message) => message.ruleId)).toContain(ruleId);
  });

  it('accepts safe equivalents, including a suppression naming its rule and reason', async () => {
    const result = await lintFixture('clean-module.ts');
    expect(result.messages.map((message) => `${message.ruleId}: ${message.message}`)).toEqual([]);
  });

  it('lets only the safe-path helper import path.join and path.resolve', async () => {
    const [result] = await eslint.lintFiles(['shared/fs/safe-path.ts']);
    expect(result?.messages.map((message) => message.ruleId)).toEqual([]);
  });
});
