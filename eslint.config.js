// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// One import style: a relative import names the module without an extension ('./limiter', not './limiter.js').
// Every package resolves with `moduleResolution: Bundler` and is bundled by tsup, so the suffix only adds noise.
const relativeImportStyle = {
  regex: '^\\.{1,2}/.*\\.(js|ts|mjs|cjs)$',
  message:
    "Relative imports have no extension in this repo ('./x', not './x.js'): one import style (CONTRIBUTING.md).",
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { patterns: [relativeImportStyle] }],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Plain Node scripts (bench, bin shims) run unbundled, where a relative import needs its file name.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The umbrella depends on the CLI (it ships the `maxllm` bin): the CLI importing it would be a cycle.
    files: ['apps/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            relativeImportStyle,
            {
              regex: '^maxllm(/.*)?$',
              message:
                'apps/cli imports the @maxllm/* package that exports the name (docs/design.md), never the umbrella.',
            },
          ],
        },
      ],
    },
  },
);
