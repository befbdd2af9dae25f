import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { customersProjection } from '../../projections/customers/customersProjection';
import { handleCommand } from '../../engine/eventstore/commandHandler';
import type { CommandResult } from '../../engine/eventstore/commandEnvelope';
import type { LogSubscription } from '../../engine/eventstore/subscription';
import type { DomainCommand } from '../../domain/registry';
import { Relay, type RelayOptions } from '../../engine/relay/relay';
import { createSagaWorker } from '../../worker/sagaWorker';
import { createTestDatabase, type TestDatabase } from './database';
import { connectTestTemporal, type TestTemporal } from './temporal';
import { shop } from '../../domain/registry';
import { shopTriggers } from '../../workflows/sagas';
import type { TriggerSettings } from '../../workflows/settings';

/** Everything a saga test needs, real and running: database, worker, relay, customers projection. */
export interface SagaHarness {
  db: TestDatabase;
  temporal: TestTemporal;
  worker: Worker;
  relay: Relay;
  projection: LogSubscription;
  /** Sends a command through the one command handler, as HTTP would. */
  send(command: DomainCommand, commandId?: string): Promise<CommandResult>;
  close(): Promise<void>;
}

export function testWorkflowBundle() {
  const codePath = process.env.PROCESSION_TEST_WORKFLOW_BUNDLE;
  return codePath ? { codePath } : undefined;
}

export async function startSagaHarness(
  label: string,
  relayOptions: Partial<RelayOptions<TriggerSettings>> = {},
  databaseServerUrl?: string,
): Promise<SagaHarness> {
  const [db, temporal] = await Promise.all([
    createTestDatabase({ serverUrl: databaseServerUrl }),
    connectTestTemporal(label),
  ]);
  const worker = await createSagaWorker({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    pool: db.pool,
    workflowBundle: testWorkflowBundle(),
  });
  const running = worker.run();
  const relay = new Relay(db.pool, temporal.client, {
    taskQueue: temporal.taskQueue,
    triggers: shopTriggers,
    pollIntervalMs: 100,
    retryDelayMs: 20,
    maxAttempts: 3,
    ...relayOptions,
  });
  relay.start();
  const projection = customersProjection(db.pool, { pollIntervalMs: 100 });
  projection.start();
  return {
    db,
    temporal,
    worker,
    relay,
    projection,
    send: (command, commandId = randomUUID()) =>
      handleCommand(db.pool, shop, {
        commandId,
        command,
        metadata: { correlationId: `test-${label}`, causationId: commandId, actor: 'test' },
      }),
    close: async () => {
      await relay.stop();
      await projection.stop();
      worker.shutdown();
      await running;
      await temporal.close();
      await db.drop();
    },
  };
}

/** Polls until `probe` returns a value (not undefined), for at most `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
