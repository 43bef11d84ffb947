// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = { group: ['node:*'], message: 'This layer runs in the browser: no Node built-ins.' };
const APP_ONLY_PACKAGES = ['electron', 'better-sqlite3', 'ws', 'simple-git'].map((name) => ({
  name,
  message: `${name} belongs to main's adapters, not to this layer.`,
}));

/**
 * The layers (see docs/adr/0002-layers.md): shared imports nothing outside itself;
 * renderer and preload import only shared; electron only under src/main/electron
 * and src/preload; the session host imports nothing from the app.
 */
export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.node.json', './tsconfig.web.json', './tsconfig.tests-renderer.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...APP_ONLY_PACKAGES, { name: 'react', message: 'shared is UI-free.' }],
          patterns: [NODE_BUILTINS, { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared imports nothing outside itself.' }],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: APP_ONLY_PACKAGES,
          patterns: [NODE_BUILTINS, { group: ['**/main/**', '**/preload/**'], message: 'The renderer talks to main only through the contract client.' }],
        },
      ],
    },
  },
  {
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/main/**', '**/renderer/**'], message: 'The preload is a transport: electron and shared only.' }] },
      ],
    },
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'electron only under src/main/electron: the brain runs under plain Node.' }],
          patterns: [{ group: ['**/renderer/**', '**/preload/**'], message: 'main does not import the renderer or preload.' }],
        },
      ],
    },
  },
  {
    // The command line is a client of the contract: shared, plus src/main/app for the headless brain.
    files: ['src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The command line runs under plain Node.' }],
          patterns: [
            {
              regex: '(^|/)(main/(?!app/|control/(client|paths)$)|renderer/|preload/)',
              message: 'The command line imports src/shared, src/main/app for the headless brain, and the control client; nothing else.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/host/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The session host runs under plain Node.' }],
          patterns: [{ group: ['../*', '!./*'], message: 'The session host imports nothing from the app: its contract is the journal and socket protocol.' }],
        },
      ],
    },
  },
);
