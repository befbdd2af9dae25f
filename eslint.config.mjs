// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The layering rules from DESIGN.md, enforced so a wrong import fails CI instead of a review.
const restrict = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  restrict(
    ['domain/**/*.ts'],
    [
      {
        group: [
          'pg',
          'fastify',
          '@temporalio/*',
          '../eventstore/*',
          '../../eventstore/*',
          '../worker/*',
          '../api/*',
          '../activities/*',
          '../workflows/*',
        ],
        message: 'domain/ is pure: it imports nothing outside domain/.',
      },
    ],
  ),
  restrict(
    ['workflows/**/*.ts'],
    [
      {
        group: [
          'pg',
          'fastify',
          '@temporalio/client',
          '@temporalio/worker',
          '@temporalio/activity',
          '../eventstore/*',
          '../../eventstore/*',
          '../worker/*',
          '../api/*',
        ],
        message: 'Workflows run in the deterministic sandbox: no I/O imports.',
      },
      {
        group: ['../activities/*', '../../activities/*'],
        allowTypeImports: true,
        message: 'Workflows may import activity types only.',
      },
    ],
  ),
  restrict(
    ['eventstore/**/*.ts'],
    [
      {
        group: ['@temporalio/*', 'fastify', '../api/*', '../worker/*', '../workflows/*', '../activities/*'],
        message: 'eventstore/ knows PostgreSQL and the domain, nothing else.',
      },
    ],
  ),
  restrict(
    ['api/**/*.ts'],
    [
      {
        group: ['../worker/*', '../../worker/*', '@temporalio/worker'],
        message: 'api/ gets its clients injected; it does not wire processes.',
      },
    ],
  ),
);
