// `npm run temporal:cluster`: a Temporal cluster of separate service processes on the PostgreSQL that
// DATABASE_URL names, in the foreground until Ctrl-C or SIGTERM (then its services stop in order).
import path from 'node:path';
import { startOrConnectDatabase } from '../engine/postgres/target';
import { startTemporalCluster } from '../engine/temporal/cluster/temporalCluster';
import { envPort } from '../engine/temporal/target';
import { resolveTemporalServer } from './temporal-server';

const say = (line: string) => process.stderr.write(`[temporal-cluster] ${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  const binaries = await resolveTemporalServer();
  if (!binaries.ui) say(`no Web UI: ${binaries.uiMissing}`);
  const database = await startOrConnectDatabase({ databaseUrl: process.env.DATABASE_URL });
  say(database.description);
  const frontendPort = envPort('TEMPORAL_PORT', 7233);
  const cluster = await startTemporalCluster({
    databaseUrl: database.url,
    frontendPort,
    uiPort: envPort('TEMPORAL_UI_PORT', 8233),
    dir: path.resolve(__dirname, '..', 'data', `temporal-cluster-${frontendPort}`),
    binaries,
    namespace: process.env.TEMPORAL_NAMESPACE || 'default',
    log: say,
  }).catch(async (error) => {
    await database.stop();
    throw error;
  });
  for (const each of cluster.processes) {
    say(
      `${each.name.padEnd(10)} pid ${each.pid}  gRPC ${each.spec.grpcPort}  metrics :${each.spec.metricsPort}/metrics  log ${path.relative(process.cwd(), each.logFile)}`,
    );
  }
  if (cluster.uiUrl) say(`Web UI ${cluster.uiUrl}`);
  say(`serving namespace "${cluster.namespace}" after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  process.stdout.write(`TEMPORAL_ADDRESS=${cluster.address}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping the UI, frontend, worker, matching, then history`);
    await cluster.stop();
    await database.stop();
    process.exit(0);
  };
  // Detached services outlive this process unless told: an exit by any other path takes them along.
  process.on('exit', () => cluster.processes.forEach((each) => each.killNow()));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // A service that dies is reported once, not restarted: the operator's supervisor decides that.
  const reported = new Set<string>();
  const watch = setInterval(() => {
    for (const each of cluster.processes) {
      if (each.alive || stopping || reported.has(each.name)) continue;
      reported.add(each.name);
      say(`${each.name} is not running (its log: ${each.logFile}):\n${each.recentOutput()}`);
    }
  }, 5_000);
  watch.unref();
  await new Promise(() => {});
}

main().catch((error: Error) => {
  say(error.message);
  process.exit(1);
});
