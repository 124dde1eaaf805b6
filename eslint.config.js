// One linter for the project: ESLint with typescript-eslint's type-aware rules, and the layers of src/ (docs/ARCHITECTURE.md)
// enforced with eslint-plugin-import-x (no-cycle, no-restricted-paths), resolving imports as TypeScript does.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noInnerHtml = { selector: "MemberExpression[property.name='innerHTML']", message: 'Render text with textContent or JSX.' };
const noSubtle = {
  selector: "MemberExpression[property.name='subtle']",
  message: 'WebCrypto primitives live in src/sdk/crypto (or src/mls): call a function there.',
};

/** SQL: the query builder and the drivers (and so Kysely's `sql` tag) only under src/server/db. */
const sqlMessage = 'SQL lives in src/server/db: call a repository there.';
const sql = {
  paths: ['kysely', 'pg', 'better-sqlite3'].map((name) => ({ name, message: sqlMessage, allowTypeImports: true })),
  patterns: [{ regex: '^(kysely|pg)/', message: sqlMessage }],
};
/** Queries too: a Kysely query builder reached through a `Db` handle (no import of kysely needed) outside src/server/db. */
const noQueryBuilder = {
  selector: "CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto)$/]",
  message: sqlMessage,
};
/** Cryptographic primitives only under src/sdk/crypto, src/mls and src/server/security. */
const cryptoMessage = 'Cryptographic primitives live in src/sdk/crypto, src/mls or src/server/security: call a function there.';
const cryptography = {
  paths: ['hash-wasm', 'ts-mls', 'node:crypto', 'crypto'].map((name) => ({ name, message: cryptoMessage })),
  patterns: [{ regex: '^(@noble/|ts-mls/)', message: cryptoMessage }],
};
const restrict = (...sets) => ['error', { paths: sets.flatMap((s) => s.paths), patterns: sets.flatMap((s) => s.patterns) }];

/** The layers: which folder of src/ may not import which (paths relative to the project). */
const layerZones = [
  { target: './src/protocol', from: './src', except: ['./protocol'], message: 'src/protocol imports nothing of ours.' },
  { target: './src/mls', from: './src', except: ['./mls'], message: 'src/mls imports nothing of ours.' },
  { target: './src/server', from: ['./src/sdk', './src/web', './src/cli'], message: 'The server never imports the SDK, the web or the CLI.' },
  { target: './src/sdk', from: ['./src/server', './src/web', './src/cli'], message: 'The SDK imports neither the server nor its clients.' },
  { target: './src/web', from: ['./src/server', './src/cli'], message: 'The web talks to the server only through the SDK.' },
  {
    target: './src/web',
    from: './src/sdk',
    except: ['./index.ts', './worker.ts', './errors.ts'],
    message: 'The web imports the SDK only through its public entry points (src/sdk/index.ts, src/sdk/worker.ts, src/sdk/errors.ts).',
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use crypto.getRandomValues for anything secret.' },
      ],
      'no-restricted-syntax': ['error', noInnerHtml],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      // No import circles. The rule follows value imports (type-only ones are erased at run time and it skips them).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'no-restricted-imports': restrict(sql, cryptography),
      'no-restricted-syntax': ['error', noInnerHtml, noSubtle, noQueryBuilder],
    },
  },
  {
    files: ['src/server/db/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(cryptography),
      'no-restricted-syntax': ['error', noInnerHtml, noSubtle],
    },
  },
  {
    files: ['src/sdk/crypto/**/*.ts', 'src/mls/**/*.ts', 'src/server/security/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(sql),
      'no-restricted-syntax': ['error', noInnerHtml, noQueryBuilder],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
