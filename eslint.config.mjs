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
  // The engine is generic: it knows no aggregate, saga, read model or route of the application on top.
  restrict(
    ['engine/**/*.ts'],
    [
      {
        group: [
          '../domain',
          '../domain/*',
          '../../domain',
          '../../domain/*',
          '../../../domain',
          '../../../domain/*',
          '../../../../domain',
          '../../../../domain/*',
          '../workflows',
          '../workflows/*',
          '../../workflows',
          '../../workflows/*',
          '../../../workflows',
          '../../../workflows/*',
          '../../../../workflows',
          '../../../../workflows/*',
          '../activities',
          '../activities/*',
          '../../activities',
          '../../activities/*',
          '../../../activities',
          '../../../activities/*',
          '../../../../activities',
          '../../../../activities/*',
          '../api',
          '../api/*',
          '../../api',
          '../../api/*',
          '../../../api',
          '../../../api/*',
          '../../../../api',
          '../../../../api/*',
          '../worker',
          '../worker/*',
          '../../worker',
          '../../worker/*',
          '../../../worker',
          '../../../worker/*',
          '../../../../worker',
          '../../../../worker/*',
          '../projections',
          '../projections/*',
          '../../projections',
          '../../projections/*',
          '../../../projections',
          '../../../projections/*',
          '../../../../projections',
          '../../../../projections/*',
        ],
        message:
          'engine/ imports nothing from the application (domain/, workflows/, activities/, api/, worker/, projections/): pass it what it needs.',
      },
    ],
  ),
  restrict(
    ['domain/**/*.ts'],
    [
      {
        group: [
          'pg',
          'fastify',
          '@temporalio/*',
          '../engine/eventstore/*',
          '../../engine/eventstore/*',
          '../engine/relay/*',
          '../../engine/relay/*',
          '../engine/saga/*',
          '../../engine/saga/*',
          '../engine/temporal/*',
          '../../engine/temporal/*',
          '../worker/*',
          '../api/*',
          '../activities/*',
          '../workflows/*',
          '../projections/*',
        ],
        message: 'domain/ is pure: it imports only engine/aggregate (deciders, errors) and itself.',
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
          '../engine/eventstore/*',
          '../../engine/eventstore/*',
          '../engine/temporal/*',
          '../../engine/temporal/*',
          '../engine/relay/relay',
          '../../engine/relay/relay',
          '../worker/*',
          '../api/*',
          '../projections/*',
          '../../projections/*',
        ],
        message: 'Workflows run in the deterministic sandbox: no I/O imports.',
      },
      {
        group: [
          '../activities/*',
          '../../activities/*',
          '../engine/saga/commandActivity',
          '../../engine/saga/commandActivity',
        ],
        allowTypeImports: true,
        message: 'Workflows may import activity types only.',
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
