// What an application's `npm start` runs. ROLE says which parts this process runs (default `all`):
// `temporal` (the dev server with its Web UI; not needed with TEMPORAL_ADDRESS), `api`, `worker`, `relay`,
// `projections`, comma-separated. With every part, it runs the application's `whenAllRunning` (the shop
// plays its demo) and keeps serving until Ctrl-C.
import type { FastifyInstance } from 'fastify';
import type { ApiDependencies } from '../http/dependencies';
import { workerDeploymentFromEnv } from './workerDeploymentFromEnv';
import { parseApiKeys } from '../http/auth';
import { startOrConnectDatabase, type DatabaseTarget } from '../postgres/target';
import { installTemporalRuntime } from '../temporal/runtime';
import {
  connectRunningTemporal,
  defaultDevServerDbFile,
  startOrConnectTemporal,
  type TemporalTarget,
} from '../temporal/target';
import { startTracingFromEnv, tracesEndpoint } from '../telemetry/tracing';
import type { Application } from './application';
import { adminKeyOf, apiKeysFromEnvOrFile } from './apiKeyFile';
import { processRoles, startRoles, type ProcessRole, type RunningRoles } from './roles';
import {
  bodyLimitFromEnv,
  databasePoolSizeFromEnv,
  metricsListenerFromEnv,
  parseRoleList,
  portFromEnv,
  rateLimitFromEnv,
  temporalMetricsAddressFromEnv,
} from './settingsFromEnv';

export type Say = (line: string) => void;

export interface ProcessMainOptions<Settings> {
  application: Application<Settings>;
  buildApi: (deps: ApiDependencies) => FastifyInstance;
  /** The sagas' settings, read from the environment once the roles are known. */
  settingsFromEnv: () => Settings;
  /** Where the API keys are kept when API_KEYS is not set (created with an admin key the first time). */
  apiKeyFile: string;
  /** Runs once when this process runs every role, with the API's address and an admin key. */
  whenAllRunning?: (apiUrl: string, adminKey: string, say: Say) => Promise<void>;
}

const say: Say = (line) => console.log(`[procession] ${line}`);

type ApiKeySource = ReturnType<typeof apiKeysFromEnvOrFile>;

/** Everything read from the environment before anything starts; a bad value exits 2 with its message. */
function startupSettings() {
  try {
    return {
      ...parseRoleList(process.env.ROLE),
      metricsListener: metricsListenerFromEnv(),
      temporalMetrics: temporalMetricsAddressFromEnv(),
    };
  } catch (error) {
    say((error as Error).message);
    process.exit(2);
  }
}

/** Tracing and the Temporal runtime, before any client, worker or server exists: they are read when built. */
function startObservability(settings: ReturnType<typeof startupSettings>) {
  const { temporalServer, roles, temporalMetrics } = settings;
  const tracing = startTracingFromEnv({ roles: temporalServer ? ['temporal', ...roles] : roles });
  if (tracing) say(`traces to ${tracesEndpoint()}`);
  installTemporalRuntime(say, { metricsBindAddress: temporalMetrics });
  if (temporalMetrics) say(`Temporal SDK metrics at http://${temporalMetrics}/metrics`);
  return tracing;
}

interface Started {
  tracing?: { stop(): Promise<void> };
  temporal?: TemporalTarget;
  databaseStarting?: Promise<DatabaseTarget>;
  running?: RunningRoles;
}

/** Stops what has started, newest first; the database last, as everything above may still write. */
function shutdownOf(started: Started) {
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('shutting down');
    await started.running?.stop().catch((error) => say(`stop failed: ${String(error)}`));
    await started.tracing?.stop().catch((error) => say(`trace export failed: ${String(error)}`));
    await started.temporal?.stop().catch((error) => say(`Temporal stop failed: ${String(error)}`));
    // A server still starting (Ctrl-C early) is waited for, so it is not left running in its own group.
    const database = await started.databaseStarting?.catch(() => undefined);
    await database?.stop().catch((error) => say(`PostgreSQL stop failed: ${String(error)}`));
    if (database?.started) say('embedded PostgreSQL stopped');
    process.exit(code);
  };
  return { shutdown, stopping: () => stopping };
}

async function startTemporal(temporalServer: boolean): Promise<TemporalTarget> {
  const temporal = temporalServer
    ? await startOrConnectTemporal({ ui: true, dbFile: defaultDevServerDbFile })
    : await connectRunningTemporal({ waitMs: 60_000 });
  say(
    `Temporal ${temporal.started ? 'dev server started' : 'server'} at ${temporal.connectionOptions.address}` +
      (temporal.uiUrl ? `, Web UI ${temporal.uiUrl}` : ''),
  );
  return temporal;
}

async function startRolesFromEnv<Settings>(
  options: ProcessMainOptions<Settings>,
  settings: ReturnType<typeof startupSettings>,
  databaseUrl: string,
  temporal: TemporalTarget,
  keys: ApiKeySource | undefined,
) {
  // A prebuilt bundle (bundleWorkflowCode's output) skips the few seconds of bundling at start.
  const prebuilt = process.env.WORKFLOW_BUNDLE ? { codePath: process.env.WORKFLOW_BUNDLE } : undefined;
  const versioning = settings.roles.includes('worker')
    ? await workerDeploymentFromEnv(options.application.workflowsPath, prebuilt)
    : { workflowBundle: prebuilt };
  return startRoles({
    roles: settings.roles,
    databaseUrl,
    temporal,
    application: options.application,
    buildApi: options.buildApi,
    port: portFromEnv(),
    taskQueue: process.env.TASK_QUEUE || undefined,
    host: process.env.HOST ?? '127.0.0.1',
    settings: options.settingsFromEnv(),
    ...versioning,
    apiKeys: keys && parseApiKeys(keys.spec),
    rateLimitPerMinute: rateLimitFromEnv(),
    bodyLimitBytes: bodyLimitFromEnv(),
    databasePoolSize: databasePoolSizeFromEnv(),
    metricsPort: settings.metricsListener?.port,
    metricsHost: settings.metricsListener?.host,
    log: (message, fields) => {
      if (message === 'delivered') return; // one per event: too chatty for a console
      say(`${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
    },
  });
}

/** What is running and where, then the application's own turn when every role runs here. */
async function announce<Settings>(
  options: ProcessMainOptions<Settings>,
  running: RunningRoles,
  keys: ApiKeySource | undefined,
  temporal: TemporalTarget,
) {
  // Before "running": whoever waits for that line may scrape at once.
  if (running.metricsUrl) say(`metrics (no key) at ${running.metricsUrl}`);
  say(`running ${running.roles.join(', ')} on task queue ${running.taskQueue}`);
  const adminKey = keys && adminKeyOf(keys.spec);
  if (running.apiUrl && keys) {
    say(`HTTP API at ${running.apiUrl} (API keys from ${keys.source})`);
    if (keys.createdKey) say(`created an admin API key, kept in ${keys.source}: ${keys.createdKey}`);
    if (adminKey) say(`try: curl -H 'Authorization: Bearer ${adminKey}' ${running.apiUrl}/bulk-tasks`);
    say(`causation explorer at ${running.apiUrl}/explorer/`);
    say(`bulk tasks: start, watch, pace and revert them at ${running.apiUrl}/admin/`);
  }
  const everything = processRoles.every((role: ProcessRole) => running.roles.includes(role));
  if (everything && running.apiUrl && adminKey) await options.whenAllRunning?.(running.apiUrl, adminKey, say);
  if (temporal.uiUrl) say(`watch the sagas: ${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows`);
  say('serving; Ctrl-C to stop');
}

/** Starts the roles ROLE names with the application, and stops them on SIGINT or SIGTERM. */
export async function runProcessMain<Settings>(options: ProcessMainOptions<Settings>): Promise<void> {
  const settings = startupSettings();
  const started: Started = { tracing: startObservability(settings) };
  const { shutdown, stopping } = shutdownOf(started);
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  try {
    const temporal = (started.temporal = await startTemporal(settings.temporalServer));
    if (settings.roles.length === 0) {
      say('serving the Temporal dev server only (ROLE=temporal); Ctrl-C to stop');
      return;
    }
    started.databaseStarting = startOrConnectDatabase({ databaseUrl: process.env.DATABASE_URL });
    const database = await started.databaseStarting;
    if (stopping()) return; // Ctrl-C while it started: shutdown stops it
    say(database.description);
    const keys = settings.roles.includes('api') ? apiKeysFromEnvOrFile(options.apiKeyFile) : undefined;
    started.running = await startRolesFromEnv(options, settings, database.url, temporal, keys);
    await announce(options, started.running, keys, temporal);
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    await shutdown(1);
  }
}
