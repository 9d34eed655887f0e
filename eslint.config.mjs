// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Import boundaries from ARCHITECTURE.md, held by the linter so they stay true. */
const boundary = (message, ...group) => ({
  'no-restricted-imports': ['error', { patterns: [{ group, message }] }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...boundary('The renderer talks to main only through the typed API in shared/.', '**/main/**', 'electron', 'node:*', 'fs', 'child_process', 'ssh2', 'sshpk'),
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: boundary('shared/ holds contracts only and imports nothing of main or renderer.', '**/main/**', '**/renderer/**', 'electron', 'node:*'),
  },
  {
    files: ['main/diagnose/**/*.ts'],
    rules: boundary('diagnose must not depend on repair, the CLI or the Electron wiring.', '**/repair/**', '**/cli/**', '**/ipc', '**/preload', 'electron'),
  },
  {
    files: ['main/keys/**/*.ts'],
    rules: boundary('keys is a library below diagnose: it must not import it.', '**/diagnose/**', '**/repair/**', '**/cli/**', 'electron'),
  },
  {
    files: ['main/cli/**/*.ts', 'main/services/**/*.ts', 'main/store/**/*.ts', 'main/bundle/**/*.ts', 'main/repair/**/*.ts', 'main/uihost/**/*.ts'],
    rules: boundary('Only the thin Electron wiring (main/index.ts, preload.ts, ipc.ts) may import electron.', 'electron'),
  },
  {
    // The command line is a front end like the window: it calls main/services (services/local.ts,
    // loaded inside a command's handler) and never reaches past them into the stores, the engine,
    // the repair dispatcher, the importers, the bundle writer or the key library. Tests set up their fixtures directly.
    files: ['main/cli/**/*.ts'],
    ignores: ['main/cli/**/*.test.ts', 'main/cli/test-cli.ts'],
    rules: {
      ...boundary(
        'The CLI calls main/services (the same services as the window), not store/, diagnose/, repair/, import/, bundle/ or keys/ directly; only the Electron wiring imports electron.',
        '**/store/**', '**/diagnose/**', '**/repair/**', '**/import/**', '**/bundle/**', '**/keys/**', 'electron',
      ),
      // no-restricted-imports does not see import(): hold the same line for lazy imports.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportExpression[source.value=/(^|\\/)(store|diagnose|repair|import|bundle|keys)\\//]",
          message: 'The CLI loads main/services (services/local.ts, services/key-tools.ts), not store/, diagnose/, repair/, import/, bundle/ or keys/ directly.',
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
