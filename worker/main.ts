// `npm start`: the main job. ROLE says which parts this process runs (default `all`): `temporal` (the dev
// server with its Web UI; not needed with TEMPORAL_ADDRESS), `api`, `worker`, `relay`, `projections`,
// comma-separated. With every part, it plays the demo and keeps serving until Ctrl-C.
import { parseApiKeys } from '../engine/http/auth';
import { startOrConnectDatabase, type DatabaseTarget } from '../engine/postgres/target';
import { installTemporalRuntime } from '../engine/temporal/runtime';
import {
  connectRunningTemporal,
  defaultDevServerDbFile,
  startOrConnectTemporal,
  type TemporalTarget,
} from '../engine/temporal/target';
import { startTracingFromEnv, tracesEndpoint } from '../engine/telemetry/tracing';
import { runDemo } from '../scripts/demo';
import { adminKeyOf, apiKeysFromEnvOrFile } from './apiKeyFile';
import { processRoles, startRoles, type RunningRoles } from './roles';
import {
  bodyLimitFromEnv,
  metricsListenerFromEnv,
  parseRoleList,
  portFromEnv,
  rateLimitFromEnv,
  temporalMetricsAddressFromEnv,
  triggerSettingsFromEnv,
} from './settings';

const say = (line: string) => console.log(`[procession] ${line}`);

async function main() {
  let parsed: ReturnType<typeof parseRoleList>;
  let metricsListener: ReturnType<typeof metricsListenerFromEnv>;
  let temporalMetrics: string | undefined;
  try {
    parsed = parseRoleList(process.env.ROLE);
    metricsListener = metricsListenerFromEnv();
    temporalMetrics = temporalMetricsAddressFromEnv();
  } catch (error) {
    say((error as Error).message);
    process.exit(2);
  }
  const { temporalServer, roles } = parsed;
  // Before any client, worker or server exists: they pick their interceptors and hooks when built.
  const tracing = startTracingFromEnv({ roles: temporalServer ? ['temporal', ...roles] : roles });
  if (tracing) say(`traces to ${tracesEndpoint()}`);
  installTemporalRuntime(say, { metricsBindAddress: temporalMetrics });
  if (temporalMetrics) say(`Temporal SDK metrics at http://${temporalMetrics}/metrics`);
  let database: DatabaseTarget | undefined;
  let databaseStarting: Promise<DatabaseTarget> | undefined;
  let temporal: TemporalTarget | undefined;
  let running: RunningRoles | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('shutting down');
    await running?.stop().catch((error) => say(`stop failed: ${String(error)}`));
    await tracing?.stop().catch((error) => say(`trace export failed: ${String(error)}`));
    await temporal?.stop().catch((error) => say(`Temporal stop failed: ${String(error)}`));
    // Last: everything above may still write while it stops. A server still starting (Ctrl-C early) is
    // waited for, so it is not left running in its own process group.
    database ??= await databaseStarting?.catch(() => undefined);
    await database?.stop().catch((error) => say(`PostgreSQL stop failed: ${String(error)}`));
    if (database?.started) say('embedded PostgreSQL stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    temporal = temporalServer
      ? await startOrConnectTemporal({ ui: true, dbFile: defaultDevServerDbFile })
      : await connectRunningTemporal({ waitMs: 60_000 });
    say(
      `Temporal ${temporal.started ? 'dev server started' : 'server'} at ${temporal.connectionOptions.address}` +
        (temporal.uiUrl ? `, Web UI ${temporal.uiUrl}` : ''),
    );
    if (roles.length === 0) {
      say('serving the Temporal dev server only (ROLE=temporal); Ctrl-C to stop');
      return;
    }
    databaseStarting = startOrConnectDatabase({ databaseUrl: process.env.DATABASE_URL });
    database = await databaseStarting;
    if (stopping) return; // Ctrl-C while it started: shutdown stops it
    say(database.description);
    const keys = roles.includes('api') ? apiKeysFromEnvOrFile() : undefined;
    running = await startRoles({
      roles,
      databaseUrl: database.url,
      temporal,
      port: portFromEnv(),
      taskQueue: process.env.TASK_QUEUE || undefined,
      host: process.env.HOST ?? '127.0.0.1',
      settings: triggerSettingsFromEnv(),
      // A prebuilt bundle (bundleWorkflowCode's output) skips the few seconds of bundling at start.
      workflowBundle: process.env.WORKFLOW_BUNDLE ? { codePath: process.env.WORKFLOW_BUNDLE } : undefined,
      apiKeys: keys && parseApiKeys(keys.spec),
      rateLimitPerMinute: rateLimitFromEnv(),
      bodyLimitBytes: bodyLimitFromEnv(),
      metricsPort: metricsListener?.port,
      metricsHost: metricsListener?.host,
      log: (message, fields) => {
        if (message === 'delivered') return; // one per event: too chatty for a console
        say(`${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
      },
    });
    // Before "running": whoever waits for that line may scrape at once.
    if (running.metricsUrl) say(`metrics (no key) at ${running.metricsUrl}`);
    say(`running ${roles.join(', ')} on task queue ${running.taskQueue}`);
    const adminKey = keys && adminKeyOf(keys.spec);
    if (running.apiUrl) {
      say(`HTTP API at ${running.apiUrl} (API keys from ${keys!.source})`);
      if (keys!.createdKey) say(`created an admin API key, kept in ${keys!.source}: ${keys!.createdKey}`);
      if (adminKey) say(`try: curl -H 'Authorization: Bearer ${adminKey}' ${running.apiUrl}/bulk-tasks`);
      say(`causation explorer at ${running.apiUrl}/explorer/`);
    }

    const everything = processRoles.every((role) => roles.includes(role));
    if (everything && running.apiUrl && adminKey && process.env.DEMO !== 'off') {
      const figures = await runDemo(running.apiUrl, say, {
        apiKey: adminKey,
        bulkCustomers: process.env.DEMO_BULK_CUSTOMERS ? Number(process.env.DEMO_BULK_CUSTOMERS) : undefined,
      });
      say(`demo finished: ${JSON.stringify(figures)}`);
    }
    if (temporal.uiUrl) say(`watch the sagas: ${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows`);
    say('serving; Ctrl-C to stop');
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    await shutdown(1);
  }
}

void main();
