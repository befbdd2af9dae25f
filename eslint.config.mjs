// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The layering rules from DESIGN.md, enforced so a wrong import fails CI instead of a review.
const restrict = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

/** A top-level folder as a relative import can reach it from up to four folders deep. */
const folder = (name) =>
  ['../', '../../', '../../../', '../../../../'].flatMap((up) => [`${up}${name}`, `${up}${name}/*`]);
const folders = (...names) => names.flatMap(folder);

const application = ['domain', 'workflows', 'activities', 'api', 'worker', 'projections', 'bulkTasks'];

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
  // The causation explorer's page script runs in a browser.
  { files: ['engine/http/explorer/**/*.js'], languageOptions: { globals: { ...globals.browser } } },
  // The engine is generic: it knows no aggregate, saga, read model, bulk task or route of the application.
  // Rules per depth, because the engine has sub-folders named like application folders (projections/).
  ...[1, 2, 3].map((depth) =>
    restrict(
      [`engine/${'*/'.repeat(depth - 1)}*.ts`],
      [
        {
          regex: `^(\\.\\./){${depth}}(${application.join('|')})(/|$)`,
          message: `engine/ imports nothing from the application (${application.join('/, ')}/): pass it what it needs.`,
        },
      ],
    ),
  ),
  // Deciders are pure: the engine's aggregate kit (and its bulk-task aggregate), and nothing that does I/O.
  restrict(
    ['domain/**/*.ts'],
    [
      {
        group: ['pg', 'fastify', 'typebox', '@temporalio/*'],
        message: 'domain/ is pure: no I/O and no transport libraries.',
      },
      {
        regex: `^(\\.\\./)+(engine/(?!aggregate/|bulk/bulkTaskAggregate$)|(${application.filter((name) => name !== 'domain').join('|')})(/|$))`,
        message:
          'domain/ is pure: it imports only engine/aggregate (deciders, errors), the bulk-task aggregate and itself.',
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
          'typebox',
          '@temporalio/client',
          '@temporalio/worker',
          '@temporalio/activity',
          '../engine/temporal/*',
          '../../engine/temporal/*',
          '../engine/relay/relay',
          '../../engine/relay/relay',
          '../engine/application/*',
          '../../engine/application/*',
          '../engine/projections/*',
          '../../engine/projections/*',
          '../engine/testing/*',
          '../../engine/testing/*',
          ...folders('worker', 'api', 'projections', 'bulkTasks'),
        ],
        message: 'Workflows run in the deterministic sandbox: no I/O imports.',
      },
      {
        group: [
          '../engine/eventstore/*',
          '../../engine/eventstore/*',
          '../activities',
          '../activities/*',
          '../../activities',
          '../../activities/*',
          '../engine/saga/commandActivity',
          '../../engine/saga/commandActivity',
          '../engine/saga/aggregateReads',
          '../../engine/saga/aggregateReads',
          '../engine/bulk/bulkTaskActivities',
          '../../engine/bulk/bulkTaskActivities',
        ],
        allowTypeImports: true,
        message: 'Workflows may import activity and event-store types only.',
      },
    ],
  ),
  restrict(
    ['projections/**/*.ts', 'bulkTasks/**/*.ts'],
    [
      {
        group: folders('api', 'worker', 'activities'),
        message: 'Read models and bulk tasks are read by the worker and the API; they import neither.',
      },
      {
        // The one exception: workflows/kit.ts binds defineProjection and defineBulkTask to the shop's types.
        regex: '^(\\.\\./)+workflows(/(?!kit$)|$)',
        message:
          'Read models and bulk tasks import only the application kit (workflows/kit) from workflows/.',
      },
    ],
  ),
  restrict(
    ['api/**/*.ts'],
    [
      {
        group: [...folders('worker'), '@temporalio/worker'],
        message: 'api/ gets its clients injected; it does not wire processes.',
      },
      {
        regex: '^(\\.\\./)+engine/http/.',
        message: "api/ reaches the engine's HTTP layer through its index (engine/http), not its files.",
      },
    ],
  ),
  // The CLI is a client of the HTTP API and nothing else, so it runs against any deployment's version.
  // What it reads is typed by the wire contract, imported as types only (erased: no server code runs).
  restrict(
    ['cli/**/*.ts'],
    [
      {
        group: [...folders(...application), 'pg', '@temporalio/*', 'fastify', 'typebox'],
        message: 'cli/ talks to the HTTP API only: it imports no server code.',
      },
      {
        regex: '^(\\.\\./)+engine(/(?!http/contract$)|$)',
        message: 'cli/ talks to the HTTP API only: of the engine it imports the wire contract, as types.',
      },
      {
        regex: '^(\\.\\./)+engine/http/contract$',
        allowTypeImports: true,
        message: 'cli/ imports the wire contract as types only (`import type`): it runs no server code.',
      },
    ],
  ),
);
