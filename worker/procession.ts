import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { buildApp } from '../api/app';
import { customersProjection } from '../projections/customers/customersProjection';
import { ensureDatabaseExists, openPool } from '../engine/eventstore/database';
import { migrate } from '../engine/eventstore/migrate';
import type { LogSubscription } from '../engine/eventstore/subscription';
import type { TriggerSettings } from '../workflows/settings';
import { Relay } from '../engine/relay/relay';
import { createSagaWorker } from './sagaWorker';
import type { TemporalTarget } from '../engine/temporal/target';
import { shopTriggers } from '../workflows/sagas';
import { shopEventSchemas } from '../domain/upcasters';
import { installEventSchemas } from '../engine/eventstore/upcasting';

export interface ProcessionOptions {
  databaseUrl: string;
  temporal: Pick<TemporalTarget, 'connectionOptions' | 'namespace' | 'uiUrl'>;
  taskQueue?: string;
  /** API port; 0 picks a free one; omitted means no HTTP server (the API is still built for inject). */
  port?: number;
  host?: string;
  settings?: TriggerSettings;
  pollIntervalMs?: number;
  workflowBundle?: WorkerOptions['workflowBundle'];
  workflowsPath?: string;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface RunningProcession {
  pool: Pool;
  client: Client;
  app: FastifyInstance;
  /** Where the API listens, when it does. */
  apiUrl?: string;
  worker: Worker;
  relay: Relay;
  projection: LogSubscription;
  taskQueue: string;
  stop(): Promise<void>;
}

export const defaultTaskQueue = 'procession-sagas';

/**
 * Migrates PostgreSQL, then runs everything in one process: the Temporal worker (both sagas and their
 * activities), the relay (events → sagas), the customers projection and the HTTP API. Each part can run
 * in its own process too; together they make the main job and the end-to-end tests.
 */
export async function startProcession(options: ProcessionOptions): Promise<RunningProcession> {
  const log = options.log ?? (() => {});
  installEventSchemas(shopEventSchemas);
  await ensureDatabaseExists(options.databaseUrl);
  const applied = await migrate(options.databaseUrl);
  if (applied.length > 0) log('migrations applied', { applied });
  const pool = await openPool(options.databaseUrl, {
    max: 20,
    onConnectionError: (error) =>
      log('PostgreSQL connection lost; work on it is retried on a new one', { error: error.message }),
  });
  const taskQueue = options.taskQueue ?? defaultTaskQueue;

  const { connectionOptions, namespace } = options.temporal;
  const connection = await Connection.connect(connectionOptions);
  const nativeConnection = await NativeConnection.connect({
    address: connectionOptions.address,
    tls: connectionOptions.tls,
    apiKey: typeof connectionOptions.apiKey === 'string' ? connectionOptions.apiKey : undefined,
    metadata: connectionOptions.metadata,
  });
  const client = new Client({ connection, namespace });

  const worker = await createSagaWorker({
    connection: nativeConnection,
    namespace,
    taskQueue,
    pool,
    workflowBundle: options.workflowBundle,
    workflowsPath: options.workflowsPath,
  });
  const workerRun = worker.run();
  workerRun.catch((error) => log('worker stopped with an error', { error: String(error) }));

  const relay = new Relay(pool, client, {
    triggers: shopTriggers,
    taskQueue,
    settings: options.settings,
    pollIntervalMs: options.pollIntervalMs,
    log,
  });
  relay.start();
  const projection = customersProjection(pool, {
    pollIntervalMs: options.pollIntervalMs,
    onError: (error) => log('customers projection batch failed; retrying', { error: String(error) }),
  });
  projection.start();

  const app = buildApp({ pool, temporal: { client, namespace, uiUrl: options.temporal.uiUrl } });
  let apiUrl: string | undefined;
  if (options.port !== undefined) {
    const address = await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
    apiUrl = address;
  } else {
    await app.ready();
  }

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await app.close();
      await relay.stop();
      await projection.stop();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun.catch(() => {});
      await connection.close();
      await nativeConnection.close();
      await pool.end();
    })());

  return { pool, client, app, apiUrl, worker, relay, projection, taskQueue, stop };
}
