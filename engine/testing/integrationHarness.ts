import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { Message } from '../aggregate/decider';
import type { Application } from '../application/application';
import { createSagaWorker, type WorkerDeployment } from '../application/sagaWorker';
import type { CommandResult } from '../commands/commandEnvelope';
import { handleCommand } from '../commands/commandHandler';
import type { LogSubscription } from '../eventstore/subscription';
import { installEventSchemas } from '../eventstore/upcasting';
import { runProjection } from '../projections/projectionRunner';
import { Relay, type RelayOptions } from '../relay/relay';
import { createTestDatabase, type TestDatabase } from './testDatabase';

export interface HarnessTemporal {
  client: Client;
  nativeConnection: NativeConnection;
  namespace: string;
  /** A task queue of this test's own. */
  taskQueue: string;
}

export interface IntegrationHarnessOptions<Settings> {
  application: Application<Settings>;
  temporal: HarnessTemporal;
  /** A prebuilt bundle of the application's workflows (build it once per test run). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  relay?: Partial<RelayOptions<Settings>>;
  /** Where the test database is created; the run's server by default (`testDatabaseServerUrl`). */
  databaseServerUrl?: string;
  label?: string;
  /** Runs the worker as this build of a Worker Deployment (Worker Versioning). */
  deployment?: WorkerDeployment;
}

/** Everything a saga needs, real and running: a database of its own, the worker, the relay, every projection. */
export interface IntegrationHarness<Command extends Message = Message> {
  db: TestDatabase;
  worker: Worker;
  relay: Relay;
  projections: LogSubscription[];
  /** Sends a command through the one command handler, as HTTP would. */
  send(command: Command, commandId?: string): Promise<CommandResult>;
  close(): Promise<void>;
}

/**
 * Starts an application against a real PostgreSQL (a fresh database, migrated) and a real Temporal
 * server: events appended by `send` reach the sagas through the relay, exactly as in production.
 */
export async function startIntegrationHarness<Command extends Message, Settings>(
  options: IntegrationHarnessOptions<Settings>,
): Promise<IntegrationHarness<Command>> {
  const { application, temporal } = options;
  const label = options.label ?? 'test';
  installEventSchemas(application.eventSchemas);
  const db = await createTestDatabase({
    serverUrl: options.databaseServerUrl,
    readModels: application.readModelMigrations,
  });
  const worker = await createSagaWorker(application as Application, {
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    pool: db.pool,
    workflowBundle: options.workflowBundle,
    deployment: options.deployment,
  });
  const running = worker.run();
  const relay = new Relay(db.pool, temporal.client, {
    taskQueue: temporal.taskQueue,
    triggers: application.triggers,
    pollIntervalMs: 100,
    retryDelayMs: 20,
    maxAttempts: 3,
    ...options.relay,
  });
  relay.start();
  const projections = application.projections.map((projection) =>
    runProjection(db.pool, projection, { pollIntervalMs: 100 }),
  );
  for (const projection of projections) projection.start();
  return {
    db,
    worker,
    relay,
    projections,
    send: (command, commandId = randomUUID()) =>
      handleCommand(db.pool, application.registry, {
        commandId,
        command,
        metadata: { correlationId: `test-${label}`, causationId: commandId, actor: 'test' },
      }),
    close: async () => {
      await relay.stop();
      await Promise.all(projections.map((projection) => projection.stop()));
      worker.shutdown();
      await running;
      await db.drop();
    },
  };
}
