import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { buildApp } from '../api/app';
import type { ApiKeys } from '../engine/http/auth';
import type { Application } from '../engine/application/application';
import { createSagaWorker } from '../engine/application/sagaWorker';
import { ensureDatabaseExists, openPool } from '../engine/eventstore/database';
import { migrate } from '../engine/eventstore/migrate';
import { createDeploymentMetrics } from '../engine/metrics/deploymentMetrics';
import { metricsSource, startMetricsListener } from '../engine/metrics/exposition';
import { collectNodeMetrics, processRegistry } from '../engine/metrics/processRegistry';
import type { LogSubscription } from '../engine/eventstore/subscription';
import { installEventSchemas } from '../engine/eventstore/upcasting';
import { runProjection } from '../engine/projections/projectionRunner';
import { Relay, stallMessage } from '../engine/relay/relay';
import type { TemporalTarget } from '../engine/temporal/target';
import { tracingClientInterceptors } from '../engine/telemetry/temporalTracing';
import type { TriggerSettings } from '../workflows/settings';
import { shopApplication } from './application';

/** The parts of Procession a process can run; any set of them, in as many processes as wanted. */
export const processRoles = ['api', 'worker', 'relay', 'projections'] as const;
export type ProcessRole = (typeof processRoles)[number];

export interface RolesOptions {
  roles: readonly ProcessRole[];
  databaseUrl: string;
  temporal: Pick<TemporalTarget, 'connectionOptions' | 'namespace' | 'uiUrl'>;
  application?: Application<TriggerSettings>;
  taskQueue?: string;
  /** API port; 0 picks a free one; omitted means no HTTP server (the API is still built for inject). */
  port?: number;
  host?: string;
  settings?: TriggerSettings;
  /** Who may call the API (API_KEYS); needed with the api role. */
  apiKeys?: ApiKeys;
  rateLimitPerMinute?: number;
  bodyLimitBytes?: number;
  pollIntervalMs?: number;
  /** METRICS_PORT: a key-less GET /metrics listener of its own (0 picks a free port); omitted, none. */
  metricsPort?: number;
  metricsHost?: string;
  workflowBundle?: WorkerOptions['workflowBundle'];
  workflowsPath?: string;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface RunningRoles {
  roles: readonly ProcessRole[];
  pool: Pool;
  client: Client;
  app?: FastifyInstance;
  apiUrl?: string;
  /** The key-less metrics listener's address, when metricsPort was given. */
  metricsUrl?: string;
  worker?: Worker;
  relay?: Relay;
  projections: LogSubscription[];
  taskQueue: string;
  stop(): Promise<void>;
}

export const defaultTaskQueue = 'procession-sagas';

/**
 * Migrates PostgreSQL, then runs the roles asked for. Several processes may run the same roles against
 * one database and one Temporal: API processes and workers share the load; the relay and each projection
 * hold an advisory lock, so one reads while the others wait as hot standbys and take over when its
 * connection goes (within a poll interval).
 */
export async function startRoles(options: RolesOptions): Promise<RunningRoles> {
  const log = options.log ?? (() => {});
  const has = (role: ProcessRole) => options.roles.includes(role);
  const application = options.application ?? shopApplication;
  installEventSchemas(application.eventSchemas);
  await ensureDatabaseExists(options.databaseUrl);
  const applied = await migrate(options.databaseUrl, { readModels: application.readModelMigrations });
  if (applied.length > 0) log('migrations applied', { applied });
  const pool = await openPool(options.databaseUrl, {
    max: 20,
    onConnectionError: (error) =>
      log('PostgreSQL connection lost; work on it is retried on a new one', { error: error.message }),
  });
  const taskQueue = options.taskQueue ?? defaultTaskQueue;
  const { connectionOptions, namespace } = options.temporal;
  const connection = await Connection.connect(connectionOptions);
  // With tracing on, saga starts carry the current span (the relay's) into the workflow.
  const client = new Client({ connection, namespace, interceptors: tracingClientInterceptors() });
  collectNodeMetrics();
  const metrics = metricsSource([
    processRegistry,
    createDeploymentMetrics({ pool, bulkTasks: { client, taskQueue } }),
  ]);

  let nativeConnection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  if (has('worker')) {
    nativeConnection = await NativeConnection.connect({
      address: connectionOptions.address,
      tls: connectionOptions.tls,
      apiKey: typeof connectionOptions.apiKey === 'string' ? connectionOptions.apiKey : undefined,
      metadata: connectionOptions.metadata,
    });
    worker = await createSagaWorker(application, {
      connection: nativeConnection,
      namespace,
      taskQueue,
      pool,
      workflowBundle: options.workflowBundle,
      workflowsPath: options.workflowsPath,
    });
    workerRun = worker.run();
    workerRun.catch((error) => log('worker stopped with an error', { error: String(error) }));
  }

  const relay = has('relay')
    ? new Relay(pool, client, {
        triggers: application.triggers,
        taskQueue,
        settings: options.settings,
        pollIntervalMs: options.pollIntervalMs,
        log,
      })
    : undefined;
  relay?.start();
  const projections = has('projections')
    ? application.projections.map((projection) =>
        runProjection(pool, projection, {
          pollIntervalMs: options.pollIntervalMs,
          onError: (error) =>
            log(`${projection.name} projection batch failed; retrying`, { error: String(error) }),
          onStall: (heldBy) => log(`${projection.name} projection: ${stallMessage}`, { ...heldBy }),
          onLeadershipChange: (active) =>
            log(`${projection.name} projection is ${active ? 'active' : 'on standby'}`),
        }),
      )
    : [];
  for (const projection of projections) projection.start();

  let app: FastifyInstance | undefined;
  let apiUrl: string | undefined;
  if (has('api')) {
    if (!options.apiKeys) throw new Error('The api role needs API keys (API_KEYS)');
    app = buildApp({
      pool,
      application,
      apiKeys: options.apiKeys,
      rateLimitPerMinute: options.rateLimitPerMinute,
      bodyLimitBytes: options.bodyLimitBytes,
      temporal: { client, namespace, uiUrl: options.temporal.uiUrl },
      metrics,
    });
    if (options.port !== undefined)
      apiUrl = await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
    else await app.ready();
  }

  const metricsListener =
    options.metricsPort === undefined
      ? undefined
      : await startMetricsListener(metrics, options.metricsPort, options.metricsHost);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await metricsListener?.close();
      await app?.close();
      await relay?.stop();
      await Promise.all(projections.map((projection) => projection.stop()));
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await workerRun?.catch(() => {});
      await connection.close();
      await nativeConnection?.close();
      await pool.end();
    })());

  return {
    roles: options.roles,
    pool,
    client,
    app,
    apiUrl,
    metricsUrl: metricsListener?.url,
    worker,
    relay,
    projections,
    taskQueue,
    stop,
  };
}
