import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no clocks, no randomness.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../activities/*', '!../activities/index.js'],
              message: 'Workflows import activity types only.',
            },
            {
              group: ['../db/*', '../api/*', 'pg', 'kysely', 'nodemailer', 'node:*'],
              message: 'No I/O in workflows.',
            },
          ],
        },
      ],
    },
  },
  {
    // Use cases know nothing of HTTP: they throw a Refusal, src/api/errors.ts maps it.
    files: ['src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['express', 'express/*', '**/api/*', '**/api/**/*', '**/web/*', '**/web/**/*'],
              message: 'Use cases do not import HTTP code: throw a Refusal (src/app/refusal.ts).',
            },
          ],
        },
      ],
    },
  },
);
