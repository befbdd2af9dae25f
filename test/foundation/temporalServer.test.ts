import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { createFoundationActivities } from '../fixtures/foundationActivities';
import { askDatabaseVersion } from '../fixtures/foundationWorkflows';
import { connectTestTemporal, type TestTemporal } from '../harness/temporal';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { SagaType } from '../../engine/saga/searchAttributes';

let temporal: TestTemporal;
let database: TestDatabase;

beforeAll(async () => {
  [temporal, database] = await Promise.all([connectTestTemporal('foundation'), createTestDatabase()]);
});

afterAll(async () => {
  await temporal?.close();
  await database?.drop();
});

async function runWorker<T>(body: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    workflowsPath: require.resolve('../fixtures/foundationWorkflows'),
    activities: createFoundationActivities(database.pool),
  });
  return worker.runUntil(body());
}

test('a workflow runs a real activity against PostgreSQL to completion on the server', async () => {
  const label = `foundation-${randomUUID()}`;
  const version = await runWorker(() =>
    temporal.client.workflow.execute(askDatabaseVersion, {
      args: [label],
      taskQueue: temporal.taskQueue,
      workflowId: label,
    }),
  );
  expect(version).toMatch(/^\d+\.\d+/);
});

test('a search attribute registered by the launcher can be used to list workflows', async () => {
  const label = `foundation-sa-${randomUUID()}`;
  await runWorker(async () => {
    const handle = await temporal.client.workflow.start(askDatabaseVersion, {
      args: [label],
      taskQueue: temporal.taskQueue,
      workflowId: label,
      typedSearchAttributes: [{ key: SagaType, value: label }],
    });
    await handle.result();
  });
  // Visibility is eventually consistent: poll for a bounded time.
  let found: string[] = [];
  for (let attempt = 0; attempt < 50 && found.length === 0; attempt++) {
    found = [];
    for await (const execution of temporal.client.workflow.list({ query: `SagaType = '${label}'` })) {
      found.push(execution.workflowId);
    }
    if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(found).toEqual([label]);
});
