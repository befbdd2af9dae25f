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

// The application reaches the engine through its entry points only: a concern's folder (its index.ts,
// e.g. engine/saga, engine/http) or engine/kit. A file inside a folder is the engine's to move or change.
const throughEntryPoints = {
  regex: '^(\\.\\./)+engine/[^/]+/.',
  message:
    'The application imports the engine through its entry points (engine/aggregate, engine/saga, engine/bulk, engine/projections, engine/eventstore, engine/application, engine/http, engine/kit), not a file inside one.',
};

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
  // The pages' scripts (causation explorer, bulk-task admin) run in a browser.
  {
    files: ['engine/http/explorer/**/*.js', 'engine/http/admin/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
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
        regex: `^(\\.\\./)+(engine/(?!aggregate$|bulk$)|(${application.filter((name) => name !== 'domain').join('|')})(/|$))`,
        message:
          'domain/ is pure: it imports only engine/aggregate (deciders, errors), engine/bulk (the bulk-task aggregate) and itself.',
      },
      throughEntryPoints,
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
          '../engine/application',
          '../../engine/application',
          '../engine/projections',
          '../../engine/projections',
          '../engine/http',
          '../../engine/http',
          ...folders('worker', 'api', 'projections', 'bulkTasks'),
        ],
        message: 'Workflows run in the deterministic sandbox: no I/O imports.',
      },
      {
        group: [
          '../engine/eventstore',
          '../../engine/eventstore',
          '../activities',
          '../activities/*',
          '../../activities',
          '../../activities/*',
        ],
        allowTypeImports: true,
        message: 'Workflows may import activity and event-store types only.',
      },
      throughEntryPoints,
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
      throughEntryPoints,
    ],
  ),
  restrict(
    ['api/**/*.ts'],
    [
      {
        group: [...folders('worker'), '@temporalio/worker'],
        message: 'api/ gets its clients injected; it does not wire processes.',
      },
      throughEntryPoints,
    ],
  ),
  restrict(['activities/**/*.ts', 'worker/**/*.ts'], [throughEntryPoints]),
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
