// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = { group: ['node:*'], message: 'This layer runs in the browser: no Node built-ins.' };
const APP_ONLY_PACKAGES = ['electron', 'better-sqlite3', 'ws'].map((name) => ({
  name,
  message: `${name} belongs to main's adapters, not to this layer.`,
}));

/** What every file under src/renderer may not import (the folder blocks below repeat it: a later block's rule replaces an earlier one's). */
const RENDERER_PATTERNS = [NODE_BUILTINS, { group: ['**/main/**', '**/preload/**'], message: 'The renderer talks to main only through the contract client.' }];

/** What every file under src/main may not import (the domain and lib blocks below repeat it: a later block's rule replaces an earlier one's). */
const MAIN_PATHS = [{ name: 'electron', message: 'electron only under src/main/electron: the brain runs under plain Node.' }];
const MAIN_PATTERNS = [{ group: ['**/renderer/**', '**/preload/**'], message: 'main does not import the renderer or preload.' }];

/** The folders of src/main that are not domains: the edges (api, electron, control), the wiring (app), the adapters (runtime, host) and lib. */
const NOT_DOMAINS = ['api', 'app', 'electron', 'runtime', 'control', 'lib', 'host'];

/**
 * The layers (see docs/adr/0002-contract-and-layers.md and 0013-layers-inside-main.md):
 * shared imports nothing outside itself; renderer and preload import only shared;
 * electron only under src/main/electron and src/preload; the session host imports
 * nothing from the app; inside src/main, a domain imports neither the API edge nor
 * runtime's files (runtime's index is its port), and lib imports nothing from main.
 * Inside src/renderer/src (docs/adr/0015-renderer-by-feature.md): ui/ and api/ import only shared;
 * a feature uses another only through its index.ts, and never the shell or the store's assembly;
 * app/ (the store) imports slices, not components; shell/ composes everything.
 * Folder-level import cycles in src/main and between the renderer's features are caught by tests/unit/lint/import-cycles.test.ts.
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
    rules: { 'no-restricted-imports': ['error', { paths: APP_ONLY_PACKAGES, patterns: RENDERER_PATTERNS }] },
  },
  {
    // ui/ and api/ are the bottom of the renderer: React, packages and src/shared (three levels up) only.
    files: ['src/renderer/src/ui/**', 'src/renderer/src/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: APP_ONLY_PACKAGES,
          patterns: [
            ...RENDERER_PATTERNS,
            { regex: '^\\.\\./(?!\\.\\./\\.\\./shared/)', message: 'ui/ and api/ are the bottom of the renderer: they import React, packages and src/shared only, never the store or a feature.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/src/features/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: APP_ONLY_PACKAGES,
          patterns: [
            ...RENDERER_PATTERNS,
            {
              regex: '^\\.\\./[^./][^/]*/',
              message: "A feature uses another only through its index.ts ('../<domain>'), never one of its files: add what you need to that index.",
            },
            {
              regex: '^\\.\\./\\.\\./(shell|app/store)(/|$)',
              message: 'A feature imports neither the shell nor the store assembly (app/store.ts): it reaches the store through app/react (useBaton) and app/types.',
            },
          ],
        },
      ],
    },
  },
  {
    // app/ builds the one store from the features' slices; components are composed in shell/.
    files: ['src/renderer/src/app/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: APP_ONLY_PACKAGES,
          patterns: [
            ...RENDERER_PATTERNS,
            { regex: '^\\.\\./shell(/|$)', message: 'app/ holds the store; the shell (shell/) sits on top of it, not under it.' },
            { regex: '^\\.\\./features/[^/]+/[A-Z]', caseSensitive: true, message: "app/ imports the features' slices, not their components: those are composed in shell/." },
          ],
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
    rules: { 'no-restricted-imports': ['error', { paths: MAIN_PATHS, patterns: MAIN_PATTERNS }] },
  },
  {
    // A domain is src/main/<folder> for any folder not in NOT_DOMAINS, so a new domain is covered without editing this list.
    files: ['src/main/*/**'],
    ignores: NOT_DOMAINS.map((d) => `src/main/${d}/**`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: MAIN_PATHS,
          patterns: [
            ...MAIN_PATTERNS,
            {
              regex: '^(\\.\\./)+api(/|$)',
              message: 'A domain does not import the API edge (src/main/api): the edge calls the domain. Shared helpers go in src/main/lib.',
            },
            {
              regex: '^(\\.\\./)+runtime/',
              message: "A domain reaches runtime only through its port, '../runtime' (runtime/index.ts), or through an interface it declares itself (sessions/host-port.ts).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: MAIN_PATHS,
          patterns: [...MAIN_PATTERNS, { regex: '^\\.\\./(?!\\.\\./shared/)', message: 'src/main/lib is the bottom of main: it imports Node, packages and src/shared only.' }],
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
