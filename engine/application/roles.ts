import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkerOptions } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { ApiDependencies } from '../http/dependencies';
import type { ApiKeys } from '../http/auth';
import type { Application } from './application';
import { createSagaWorker, type WorkerDeployment } from './sagaWorker';
import { describeDeployment, promoteBuild } from '../temporal/workerDeployments';
import { ensureDatabaseExists, openPool } from '../eventstore/database';
import { migrate } from '../eventstore/migrate';
import { createDeploymentMetrics } from '../metrics/deploymentMetrics';
import { metricsSource, startMetricsListener, type MetricsSource } from '../metrics/exposition';
import { collectNodeMetrics, processRegistry } from '../metrics/processRegistry';
import type { LogSubscription } from '../eventstore/subscription';
import { installEventSchemas } from '../eventstore/upcasting';
import { runProjection } from '../projections/projectionRunner';
import { Relay, stallMessage } from '../relay/relay';
import type { TemporalTarget } from '../temporal/target';
import { tracingClientInterceptors } from '../telemetry/temporalTracing';

/** The parts of Procession a process can run; any set of them, in as many processes as wanted. */
export const processRoles = ['api', 'worker', 'relay', 'projections'] as const;
export type ProcessRole = (typeof processRoles)[number];

type Log = (message: string, fields?: Record<string, unknown>) => void;

export interface RolesOptions<Settings = unknown> {
  roles: readonly ProcessRole[];
  databaseUrl: string;
  temporal: Pick<TemporalTarget, 'connectionOptions' | 'namespace' | 'uiUrl'>;
  application: Application<Settings>;
  /** The application's HTTP server (its `app.ts`: the engine's plugin and its own routes); for the api role. */
  buildApi?: (deps: ApiDependencies) => FastifyInstance;
  taskQueue?: string;
  /** API port; 0 picks a free one; omitted means no HTTP server (the API is still built for inject). */
  port?: number;
  host?: string;
  settings?: Settings;
  /** Who may call the API (API_KEYS); needed with the api role. */
  apiKeys?: ApiKeys;
  rateLimitPerMinute?: number;
  bodyLimitBytes?: number;
  /** PostgreSQL connections this process may hold (DATABASE_POOL_SIZE; default 20). */
  databasePoolSize?: number;
  pollIntervalMs?: number;
  /** METRICS_PORT: a key-less GET /metrics listener of its own (0 picks a free port); omitted, none. */
  metricsPort?: number;
  metricsHost?: string;
  workflowBundle?: WorkerOptions['workflowBundle'];
  workflowsPath?: string;
  /** Worker Versioning (PROCESSION_DEPLOYMENT): the build of the deployment this worker serves. */
  deployment?: WorkerDeployment;
  log?: Log;
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
 * Each log subscription (the relay, every projection) holds two of the pool's connections for as long as
 * it runs: its leadership lock and its LISTEN. A pool no bigger than that leaves nothing for commands and
 * reads, which then wait forever; so a pool too small for the roles is refused at start, saying why.
 */
export function checkPoolSize(
  options: Pick<RolesOptions, 'roles' | 'application' | 'databasePoolSize'>,
): number {
  const size = options.databasePoolSize ?? 20;
  const subscriptions =
    (options.roles.includes('relay') ? 1 : 0) +
    (options.roles.includes('projections') ? options.application.projections.length : 0);
  const needed = 2 * subscriptions + 2;
  if (size < needed) {
    throw new Error(
      `DATABASE_POOL_SIZE=${size} is too small for the roles ${options.roles.join(',')}: their ${subscriptions} ` +
        `log subscriptions (relay, projections) hold two connections each (a leadership lock and a LISTEN), ` +
        `${2 * subscriptions} in all, and commands and reads need at least 2 more; set it to ${needed} or more.`,
    );
  }
  return size;
}

async function prepareDatabase(options: RolesOptions, log: Log): Promise<Pool> {
  const poolSize = checkPoolSize(options);
  installEventSchemas(options.application.eventSchemas);
  await ensureDatabaseExists(options.databaseUrl);
  const applied = await migrate(options.databaseUrl, {
    readModels: options.application.readModelMigrations,
  });
  if (applied.length > 0) log('migrations applied', { applied });
  return openPool(options.databaseUrl, {
    max: poolSize,
    onConnectionError: (error) =>
      log('PostgreSQL connection lost; work on it is retried on a new one', { error: error.message }),
  });
}

function nativeConnectionFor(connectionOptions: ConnectionOptions): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: connectionOptions.address,
    tls: connectionOptions.tls,
    apiKey: typeof connectionOptions.apiKey === 'string' ? connectionOptions.apiKey : undefined,
    metadata: connectionOptions.metadata,
  });
}

interface RunningWorker {
  worker: Worker;
  connection: NativeConnection;
  run: Promise<void>;
}

async function startWorker(options: RolesOptions, pool: Pool, taskQueue: string, log: Log) {
  const connection = await nativeConnectionFor(options.temporal.connectionOptions);
  const worker = await createSagaWorker(options.application as Application, {
    connection,
    namespace: options.temporal.namespace,
    taskQueue,
    pool,
    workflowBundle: options.workflowBundle,
    workflowsPath: options.workflowsPath,
    deployment: options.deployment,
  });
  const run = worker.run();
  run.catch((error) => log('worker stopped with an error', { error: String(error) }));
  if (options.deployment) await firstBuildBecomesCurrent(options, log);
  return { worker, connection, run } satisfies RunningWorker;
}

/**
 * A versioned worker gets no tasks until its build is current. The first build of a deployment is made
 * current at once (a first deploy has nothing to drain); a later one waits for `procession deploy promote`.
 */
async function firstBuildBecomesCurrent(options: RolesOptions, log: Log): Promise<void> {
  const deployment = options.deployment!;
  const connection = await Connection.connect(options.temporal.connectionOptions);
  try {
    const client = new Client({ connection, namespace: options.temporal.namespace });
    const { namespace } = options.temporal;
    const view = await waitForDeployment(client, namespace, deployment.deploymentName);
    if (view?.currentBuildId === deployment.buildId) return;
    if (view?.currentBuildId) {
      log(
        `build ${deployment.buildId} of ${deployment.deploymentName} is running beside the current ${view.currentBuildId}; ` +
          `new sagas start on it once promoted: procession deploy promote ${deployment.buildId}`,
      );
      return;
    }
    await promoteBuild(client, namespace, deployment);
    log(`build ${deployment.buildId} is the first of ${deployment.deploymentName}: made current`);
  } finally {
    await connection.close();
  }
}

async function waitForDeployment(client: Client, namespace: string, deploymentName: string) {
  // The deployment exists once the new worker has polled, a moment after it starts.
  for (let waited = 0; ; waited += 200) {
    const view = await describeDeployment(client, namespace, deploymentName);
    if (view || waited >= 10_000) return view;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function startProjections(options: RolesOptions, pool: Pool, log: Log): LogSubscription[] {
  const projections = options.application.projections.map((projection) =>
    runProjection(pool, projection, {
      pollIntervalMs: options.pollIntervalMs,
      onError: (error) =>
        log(`${projection.name} projection batch failed; retrying`, { error: String(error) }),
      onStall: (heldBy) => log(`${projection.name} projection: ${stallMessage}`, { ...heldBy }),
      onLeadershipChange: (active) =>
        log(`${projection.name} projection is ${active ? 'active' : 'on standby'}`),
    }),
  );
  for (const projection of projections) projection.start();
  return projections;
}

async function startApi(
  options: RolesOptions,
  deps: Omit<ApiDependencies, 'application' | 'apiKeys'>,
): Promise<{ app: FastifyInstance; apiUrl?: string }> {
  if (!options.apiKeys) throw new Error('The api role needs API keys (API_KEYS)');
  if (!options.buildApi) throw new Error("The api role needs the application's HTTP server (buildApi)");
  const app = options.buildApi({
    ...deps,
    application: options.application as Application,
    apiKeys: options.apiKeys,
    rateLimitPerMinute: options.rateLimitPerMinute,
    bodyLimitBytes: options.bodyLimitBytes,
  });
  if (options.port === undefined) {
    await app.ready();
    return { app };
  }
  return { app, apiUrl: await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' }) };
}

/**
 * Migrates PostgreSQL, then runs the roles asked for. Several processes may run the same roles against
 * one database and one Temporal: API processes and workers share the load; the relay and each projection
 * hold an advisory lock, so one reads while the others wait as hot standbys and take over when its
 * connection goes (within a poll interval).
 */
export async function startRoles<Settings>(options: RolesOptions<Settings>): Promise<RunningRoles> {
  const generic = options as RolesOptions;
  const log = options.log ?? (() => {});
  const has = (role: ProcessRole) => options.roles.includes(role);
  const pool = await prepareDatabase(generic, log);
  const taskQueue = options.taskQueue ?? defaultTaskQueue;
  const { connectionOptions, namespace, uiUrl } = options.temporal;
  const connection = await Connection.connect(connectionOptions);
  // With tracing on, saga starts carry the current span (the relay's) into the workflow.
  const client = new Client({ connection, namespace, interceptors: tracingClientInterceptors() });
  collectNodeMetrics();
  const metrics: MetricsSource = metricsSource([
    processRegistry,
    createDeploymentMetrics({ pool, bulkTasks: { client, taskQueue } }),
  ]);
  const worker = has('worker') ? await startWorker(generic, pool, taskQueue, log) : undefined;
  const relay = has('relay')
    ? new Relay(pool, client, {
        triggers: options.application.triggers,
        taskQueue,
        settings: options.settings,
        pollIntervalMs: options.pollIntervalMs,
        log,
      })
    : undefined;
  relay?.start();
  const projections = has('projections') ? startProjections(generic, pool, log) : [];
  const api = has('api')
    ? await startApi(generic, { pool, temporal: { client, namespace, uiUrl }, metrics })
    : undefined;
  const metricsListener =
    options.metricsPort === undefined
      ? undefined
      : await startMetricsListener(metrics, options.metricsPort, options.metricsHost);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await metricsListener?.close();
      await api?.app.close();
      await relay?.stop();
      await Promise.all(projections.map((projection) => projection.stop()));
      if (worker?.worker.getState() === 'RUNNING') worker.worker.shutdown();
      await worker?.run.catch(() => {});
      await connection.close();
      await worker?.connection.close();
      await pool.end();
    })());

  return {
    ...{ roles: options.roles, pool, client, app: api?.app, apiUrl: api?.apiUrl },
    ...{ metricsUrl: metricsListener?.url, worker: worker?.worker, relay, projections, taskQueue, stop },
  };
}
