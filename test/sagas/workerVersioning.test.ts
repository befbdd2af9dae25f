import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createSagaWorker } from '../../engine/application/sagaWorker';
import { startIntegrationHarness } from '../../engine/testing/integrationHarness';
import { describeDeployment, promoteBuild } from '../../engine/temporal/workerDeployments';
import type { DomainCommand } from '../../domain/registry';
import type { TriggerSettings } from '../../workflows/settings';
import { shopApplication } from '../../worker/application';
import { connectTestTemporal, type TestTemporal } from '../harness/temporal';
import { eventually, testWorkflowBundle, type SagaHarness } from '../harness/sagaHarness';
import { placeOrder, registerCustomer, sagaOf, stateOf, stock } from './orderScenario';

// Worker Versioning: a run started on build v1 finishes on v1's code, on v1's worker, after v2 (whose
// order saga is not replay-compatible with v1's histories) is deployed and made current; new orders run
// v2. No patched() marker is involved.
const deploymentName = `procession-test-${randomUUID().slice(0, 8)}`;
let temporal: TestTemporal;
let h: SagaHarness;
let v2: { worker: Worker; run: Promise<void> } | undefined;

beforeAll(async () => {
  temporal = await connectTestTemporal('versioning');
  const harness = await startIntegrationHarness<DomainCommand, TriggerSettings>({
    application: shopApplication,
    temporal,
    workflowBundle: testWorkflowBundle(),
    deployment: { deploymentName, buildId: 'v1' },
    label: 'versioning',
  });
  h = { ...harness, temporal };
}, 120_000);

afterAll(async () => {
  if (v2) {
    v2.worker.shutdown();
    await v2.run;
  }
  await h?.close();
  await temporal?.close();
});

const buildOf = async (workflowId: string) => {
  const described = await temporal.client.workflow.getHandle(workflowId).describe();
  return described.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId;
};
/** v2's mark: its first command is a timer (v1's first is the customer check). */
const startsWithTimer = async (workflowId: string) => {
  const events = (await temporal.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const firstTaskDone = events.findIndex((event) => event.workflowTaskCompletedEventAttributes);
  return Boolean(events[firstTaskDone + 1]?.timerStartedEventAttributes);
};

test('a v1 run finishes on v1 after v2 is promoted; a new order runs v2', async () => {
  const namespace = temporal.namespace;
  await promoteBuild(temporal.client, namespace, { deploymentName, buildId: 'v1' });

  const customerId = await registerCustomer(h);
  const sku = await stock(h, 10);
  const first = await placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 500 }] });
  const firstSaga = sagaOf(h, first);
  await eventually(async () => ((await firstSaga.step()) === 'awaiting dispatch' ? true : undefined), 60_000);
  expect(await buildOf(firstSaga.handle.workflowId)).toBe('v1');

  // Deploy v2 beside v1 and make it current.
  const worker = await createSagaWorker(shopApplication, {
    connection: temporal.nativeConnection,
    namespace,
    taskQueue: temporal.taskQueue,
    pool: h.db.pool,
    workflowsPath: path.join(__dirname, '../fixtures/versioning/workflowsV2.ts'),
    deployment: { deploymentName, buildId: 'v2' },
  });
  v2 = { worker, run: worker.run() };
  const promoted = await promoteBuild(temporal.client, namespace, { deploymentName, buildId: 'v2' });
  expect(promoted.previousBuildId).toBe('v1');

  const second = await placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 700 }] });
  const secondSaga = sagaOf(h, second);
  await eventually(
    async () => ((await secondSaga.step()) === 'awaiting dispatch' ? true : undefined),
    60_000,
  );
  expect(await buildOf(secondSaga.handle.workflowId)).toBe('v2');
  expect(await startsWithTimer(secondSaga.handle.workflowId)).toBe(true);

  // While v1's run is open, v1 is draining with one open run (visibility catches up a moment later).
  await eventually(async () => {
    const view = await describeDeployment(temporal.client, namespace, deploymentName);
    const v1 = view?.versions.find((version) => version.buildId === 'v1');
    return view?.currentBuildId === 'v2' && v1?.status === 'draining' && v1.openRuns === 1 ? view : undefined;
  }, 30_000);

  // The pinned v1 run is dispatched and completes with v1's steps, on v1's worker.
  await h.send({ type: 'DispatchShipment', data: { orderId: first } });
  const result = await firstSaga.result();
  expect(result).toMatchObject({ outcome: 'confirmed' });
  expect(await buildOf(firstSaga.handle.workflowId)).toBe('v1');
  expect(await startsWithTimer(firstSaga.handle.workflowId)).toBe(false);
  expect(await stateOf<{ status: string }>(h, `order-${first}`)).toMatchObject({ status: 'confirmed' });

  await eventually(async () => {
    const view = await describeDeployment(temporal.client, namespace, deploymentName);
    const v1 = view?.versions.find((version) => version.buildId === 'v1');
    return v1?.openRuns === 0 ? true : undefined;
  }, 30_000);
}, 240_000);
