// ESLint flat config for EDS (seed requirements SR-008 and SR-009): TypeScript with type
// information, plus security rules that each have a fixture in test/lint/fixtures proving they
// trip.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const SAFE_PATH_HELPER = 'shared/fs/safe-path.ts';

const PATH_JOIN_MESSAGE =
  'Join or resolve paths only through resolveInside() in shared/fs/safe-path.ts, ' +
  'which refuses paths that escape their base directory.';
const PROCESS_MESSAGE = 'Starting processes is forbidden in EDS (command injection, SR-008).';
const DESERIALISE_MESSAGE =
  'Deserialise with JSON.parse and a Zod schema only (SR-009); ' +
  'this module can build objects or run code from data.';

const restrictedPathImports = ['path', 'node:path'].map((name) => ({
  name,
  importNames: ['default', 'join', 'resolve', 'normalize', 'posix', 'win32'],
  message: PATH_JOIN_MESSAGE,
}));

const restrictedModuleImports = [
  ...['child_process', 'node:child_process', 'cluster', 'node:cluster'].map((name) => ({
    name,
    message: PROCESS_MESSAGE,
  })),
  ...[
    'vm',
    'node:vm',
    'v8',
    'node:v8',
    'js-yaml',
    'yaml',
    'node-serialize',
    'serialize-javascript',
    'funcster',
    'cryo',
  ].map((name) => ({ name, message: DESERIALISE_MESSAGE })),
];

const forbiddenModulePattern = '/^(node:)?(child_process|cluster|vm|v8)$/';

const securitySyntax = [
  {
    selector: 'ImportExpression:not([source.type="Literal"])',
    message:
      'import() needs a literal module name; a variable lets data choose the code that runs.',
  },
  {
    selector: 'CallExpression[callee.name="require"]:not([arguments.0.type="Literal"])',
    message:
      'require() needs a literal module name; a variable lets data choose the code that runs.',
  },
  {
    selector: `CallExpression[callee.name="require"][arguments.0.value=${forbiddenModulePattern}]`,
    message: 'This module is forbidden in EDS (process execution or code/object deserialisation).',
  },
  {
    selector: `ImportExpression[source.value=${forbiddenModulePattern}]`,
    message: 'This module is forbidden in EDS (process execution or code/object deserialisation).',
  },
  {
    selector: 'CallExpression[callee.property.name=/^(deserialize|unserialize)$/]',
    message: DESERIALISE_MESSAGE,
  },
];

/** Every `eslint-disable` names its rules and gives a reason after `--` (house style). */
const requireDisableReason = {
  meta: {
    type: 'suggestion',
    docs: { description: 'Require every eslint-disable directive to name rules and give a reason' },
    schema: [],
    messages: {
      missingRule: 'Name the rule(s) this directive disables.',
      missingReason: 'Give the reason after " -- " on the same line.',
    },
  },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const match = /^\s*eslint-disable(?:-next-line|-line)?(?<rest>\s[\s\S]*)?$/.exec(
            comment.value,
          );
          if (match === null) {
            continue;
          }
          const [rules = '', reason] = (match.groups?.rest ?? '').split(/\s--\s/);
          if (rules.trim() === '') {
            context.report({ loc: comment.loc, messageId: 'missingRule' });
          } else if (reason === undefined || reason.trim() === '') {
            context.report({ loc: comment.loc, messageId: 'missingReason' });
          }
        }
      },
    };
  },
};

const securityRules = {
  'no-eval': ['error', { allowIndirect: false }],
  'no-new-func': 'error',
  'no-implied-eval': 'off',
  '@typescript-eslint/no-implied-eval': 'error',
  '@typescript-eslint/no-explicit-any': 'error',
  'no-restricted-imports': [
    'error',
    { paths: [...restrictedModuleImports, ...restrictedPathImports] },
  ],
  'no-restricted-syntax': ['error', ...securitySyntax],
  'no-restricted-properties': [
    'error',
    {
      object: 'Math',
      property: 'random',
      message:
        'Math.random is predictable; use node:crypto (randomInt, randomUUID, randomBytes) ' +
        'for anything secret or unguessable.',
    },
    { object: 'process', property: 'binding', message: PROCESS_MESSAGE },
  ],
  'eds/require-disable-reason': 'error',
  // An async function without await is how an operation meets a Promise-returning interface.
  '@typescript-eslint/require-await': 'off',
  '@typescript-eslint/no-unused-vars': [
    'error',
    { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
  ],
};

export default defineConfig([
  {
    ignores: [
      'dist/**',
      'coverage/**',
      '.data/**',
      '.data-*/**',
      '.eds-outbox/**',
      '**/*.d.ts',
      'test/lint/fixtures/**',
      'infra/policy/fixtures/**',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { eds: { rules: { 'require-disable-reason': requireDisableReason } } },
    rules: securityRules,
  },
  {
    // Root tooling files sit outside the TypeScript projects: lint them without type information.
    files: ['*.js', '*.mjs', '*.cjs', '*.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The one checked path helper may import the path primitives it wraps.
    files: [SAFE_PATH_HELPER],
    rules: { 'no-restricted-imports': ['error', { paths: restrictedModuleImports }] },
  },
  {
    // Test doubles stand in for SDK objects whose types are impractical to spell out.
    files: ['**/test-support/**/*.ts', '**/*.double.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // Tests and benchmarks read arbitrary response bodies and make their own temporary folders;
    // the security rules above still apply to them.
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', '**/test-support/**/*.ts'],
    ignores: ['test/lint/fixtures/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
      'no-restricted-imports': ['error', { paths: restrictedModuleImports }],
    },
  },
  {
    // Lint fixtures are linted only by test/lint/security-rules.test.ts, with their own project.
    files: ['test/lint/fixtures/**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: ['./test/lint/fixtures/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
]);
