// ESLint: typescript-eslint's type-checked rules, for bugs (promises, `any` leaking out of JSON, dead code),
// not style — Prettier owns formatting. `npm run lint` runs it after tsc and before `prettier --check`.
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

// `no-unnecessary-type-assertion` for casts only: its reports on non-null assertions are dropped. The code
// writes `a[i]!`, `record.key!` and `const [h, w] = shape; h!` as if `noUncheckedIndexedAccess` were on
// (deliberately: the loops over typed arrays say which reads are known to be in bounds), so with that option
// off the rule would flag hundreds of them; a redundant `!` changes no type. Redundant `as` casts are reported.
const unnecessaryAssertion = tseslint.plugin.rules['no-unnecessary-type-assertion'];
const local = {
  rules: {
    'no-unnecessary-type-assertion': {
      ...unnecessaryAssertion,
      create(context) {
        const filtered = Object.create(context, {
          report: { value: (d) => (d.node?.type === 'TSNonNullExpression' ? undefined : context.report(d)) },
        });
        return unnecessaryAssertion.create(filtered);
      },
    },
  },
};

// Test-only code (test/support/: broken and test models, oracles, fixtures' readers) is for specs alone.
const TEST_ONLY = {
  regex: '(^|/)test/',
  message: 'production code does not import test/ (test-only models and oracles live in test/support/)',
};

export default defineConfig(
  {
    ignores: ['**/node_modules/', '**/dist/', 'api/src/generated/', 'tools/*/node_modules/', 'test-results/', '.genbench/'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Each file is checked with the tsconfig.json nearest to it: the root one, or dashboard/'s.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { local, 'import-x': importX },
    settings: {
      // import-x parses each imported file itself to follow its imports: with the TypeScript parser.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs'],
      // Sources import each other as `./x.js`, which is `./x.ts` (or .tsx) on disk.
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'] },
        }),
      ],
    },
    rules: {
      // No import cycles anywhere: a cycle couples two modules so that neither can move, load or be tested
      // alone (run-evaluation and segmentation-evaluation imported each other until the task dispatcher).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      eqeqeq: ['error', 'smart'], // `x == null` (null or undefined) is deliberate and allowed
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // A `return promise` inside try/catch skips the catch (and the finally runs too early).
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      // A switch over a union that misses a member (a new task, kind or status) and has no default.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      'local/no-unnecessary-type-assertion': 'error',
      // Off: it flags `async` functions that implement a Promise-returning contract without awaiting (test
      // doubles, `close: async () => undefined`); the promise bugs are caught by no-floating-promises,
      // no-misused-promises and await-thenable.
      '@typescript-eslint/require-await': 'off',
      // Off: unions such as `viewer: 'all' | string | null` and `input: string | unknown` name the values
      // a caller is expected to pass; they collapse to the wider type, which is what the code handles.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
    },
  },
  {
    // The API imports the contracts (contracts/) and, of the runner, only its narrow entry: a runner module
    // that loads onnxruntime, sharp or the numerics would load them into the API process
    // (test/integration/api-footprint.spec.ts checks what a started API loads).
    files: ['api/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/runner/(?!src/api-entry\\.js$)',
              message: 'the API imports contracts/ and runner/src/api-entry.js only (README.md, "Layout")',
            },
            TEST_ONLY,
          ],
        },
      ],
    },
  },
  {
    // Test-only models, oracles and helpers live in test/support/: production code (everything but specs)
    // never imports them, so editing a test cannot move a score. The API's block below adds its own patterns.
    files: ['runner/src/**/*.ts', 'benchmarks/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [TEST_ONLY] }] },
  },
  {
    // Contracts are declarations: they import nothing of the implementations (specs may compare with them).
    files: ['contracts/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '/(runner|api|benchmarks|dashboard|test)/', message: 'contracts/ import only contracts/ and packages' }] },
      ],
    },
  },
  {
    // Specs read the API's JSON (`await res.json()`, `JSON.parse`) as `any` and assert on its shape; typing
    // every response would add casts, not safety (the assertions are the check). Other code keeps these rules.
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain JavaScript (bin/, scripts/*.mjs, this file) is in no tsconfig: untyped rules only.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { 'local/no-unnecessary-type-assertion': 'off' },
  },
  {
    // React's hook rules, with the React Compiler's checks (refs, purity, immutability) that come with them.
    files: ['dashboard/src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/exhaustive-deps': 'error',
      // Off: advice about an extra render, not a bug; the effects that reset state when their input changes
      // (page 1 on a new filter, a fresh image on a new URL) do so deliberately.
      'react-hooks/set-state-in-effect': 'off',
    },
  },
);
