import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

// The engine must stay generic: an import of the application from engine/ fails lint, hence CI. ESLint
// runs as a process (its ESM config cannot load inside jest's CommonJS sandbox), on source given on stdin
// as if it were a file at that path.
const root = path.resolve(__dirname, '../..');
const eslintBin = path.join(root, 'node_modules/.bin/eslint');

async function restrictedImports(file: string, source: string): Promise<string[]> {
  const pending = promisify(execFile)(eslintBin, ['--format', 'json', '--stdin', '--stdin-filename', file], {
    cwd: root,
  });
  pending.child.stdin!.end(source);
  // ESLint exits non-zero when it finds errors; its report is on stdout either way.
  const { stdout } = await pending.catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const [result] = JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string; message: string }> }>;
  return result!.messages
    .filter((message) => message.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((message) => message.message);
}

test.each([
  ['engine/eventstore/x.ts', "import { shop } from '../../domain/registry';"],
  ['engine/relay/x.ts', "import { shopTriggers } from '../../workflows/sagas';"],
  ['engine/saga/x.ts', "import type { Activities } from '../../activities';"],
  ['engine/x.ts', "import { buildApp } from '../api/app';"],
  ['engine/temporal/x.ts', "import { startProcession } from '../../worker/procession';"],
  [
    'engine/eventstore/x.ts',
    "import { customersProjection } from '../../projections/customers/customersProjection';",
  ],
  ['engine/bulk/x.ts', "import { shopBulkTasks } from '../../bulkTasks';"],
  ['engine/x.ts', "import { shopProjections } from '../projections';"],
])('%s may not import the application: %s', async (file, source) => {
  const messages = await restrictedImports(
    file,
    `${source}\nexport const used = [${source.match(/\{ (\w+) \}/)![1]}];\n`,
  );
  expect(messages).toEqual([expect.stringMatching(/engine\/ imports nothing from the application/)]);
});

test("the engine's own sub-folders are not mistaken for the application's", async () => {
  expect(
    await restrictedImports(
      'engine/bulk/x.ts',
      "import { runProjection } from '../projections/projectionRunner';\nexport { runProjection };\n",
    ),
  ).toEqual([]);
});

test('the application may import the engine through its entry points, and domain/ only its pure part', async () => {
  expect(
    await restrictedImports('workflows/x.ts', "import { load } from '../engine/saga';\nexport { load };\n"),
  ).toEqual([]);
  expect(
    await restrictedImports(
      'domain/x.ts',
      "import { defineAggregate } from '../engine/aggregate';\nexport { defineAggregate };\n",
    ),
  ).toEqual([]);
  expect(
    await restrictedImports(
      'domain/x.ts',
      "import { readStream } from '../engine/eventstore';\nexport { readStream };\n",
    ),
  ).toEqual([expect.stringMatching(/domain\/ is pure/)]);
  expect(
    await restrictedImports(
      'domain/x.ts',
      "import { bulkTaskAggregate } from '../engine/bulk';\nexport { bulkTaskAggregate };\n",
    ),
  ).toEqual([]);
  expect(
    await restrictedImports(
      'workflows/x.ts',
      "import { startRoles } from '../engine/application';\nexport { startRoles };\n",
    ),
  ).toEqual([expect.stringMatching(/deterministic sandbox/)]);
});

// A file inside an entry point is the engine's to move: an application that imports one breaks when it does.
test.each([
  ['workflows/x/y.ts', "import { load } from '../../engine/saga/load';"],
  ['domain/x/y.ts', "import { defineAggregate } from '../../engine/aggregate/aggregate';"],
  ['projections/x/y.ts', "import { logStart } from '../../engine/eventstore/types';"],
  ['bulkTasks/x.ts', "import { bulkTaskAggregate } from '../engine/bulk/bulkTaskAggregate';"],
  ['activities/x.ts', "import { readAggregateState } from '../engine/eventstore/readAggregateState';"],
  ['api/routes/x.ts', "import { sendCommand } from '../../engine/http/commandContext';"],
  ['worker/x.ts', "import { runProcessMain } from '../engine/application/processMain';"],
])('%s may not reach inside an engine entry point: %s', async (file, source) => {
  const messages = await restrictedImports(
    file,
    `${source}\nexport const used = [${source.match(/\{ (\w+) \}/)![1]}];\n`,
  );
  expect(messages).toContainEqual(expect.stringMatching(/through its entry points/));
});

test('the CLI imports the wire contract as types, and nothing else of the server', async () => {
  expect(
    await restrictedImports(
      'cli/x.ts',
      "import type { Trace } from '../engine/http/contract';\nexport type Shown = Trace;\n",
    ),
  ).toEqual([]);
  expect(
    await restrictedImports(
      'cli/x.ts',
      "import { trace } from '../engine/http/contract';\nexport const shown = trace;\n",
    ),
  ).toEqual([expect.stringMatching(/wire contract as types only/)]);
  expect(
    await restrictedImports(
      'cli/x.ts',
      "import type { ApiDependencies } from '../engine/http';\nexport type Shown = ApiDependencies;\n",
    ),
  ).toEqual([expect.stringMatching(/cli\/ talks to the HTTP API only/)]);
});
