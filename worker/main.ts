// `npm start`: the main job. Starts (or reuses, with TEMPORAL_ADDRESS) the Temporal dev server with its
// Web UI, migrates PostgreSQL, runs the worker, relay, projections and HTTP API, plays the demo, and keeps
// serving until Ctrl-C.
import { runDemo } from '../scripts/demo';
import { databaseUrlFromEnv } from '../engine/eventstore/database';
import { startProcession, type RunningProcession } from './procession';
import { triggerSettingsFromEnv } from './settings';
import { installTemporalRuntime } from '../engine/temporal/runtime';
import {
  defaultDevServerDbFile,
  startOrConnectTemporal,
  type TemporalTarget,
} from '../engine/temporal/target';

const say = (line: string) => console.log(`[procession] ${line}`);

function port(): number {
  const raw = process.env.PORT ?? '3000';
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`PORT=${raw} is not a port number.`);
  return value;
}

async function main() {
  installTemporalRuntime(say);
  let temporal: TemporalTarget | undefined;
  let procession: RunningProcession | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('shutting down');
    await procession?.stop().catch((error) => say(`stop failed: ${String(error)}`));
    await temporal?.stop().catch((error) => say(`Temporal stop failed: ${String(error)}`));
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    temporal = await startOrConnectTemporal({ ui: true, dbFile: defaultDevServerDbFile });
    say(
      `Temporal ${temporal.started ? 'dev server started' : 'server'} at ${temporal.connectionOptions.address}` +
        (temporal.uiUrl ? `, Web UI ${temporal.uiUrl}` : ''),
    );
    procession = await startProcession({
      databaseUrl: databaseUrlFromEnv(),
      temporal,
      port: port(),
      host: process.env.HOST ?? '127.0.0.1',
      settings: triggerSettingsFromEnv(),
      log: (message, fields) => {
        if (message === 'delivered') return; // one per event: too chatty for a console
        say(`${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
      },
    });
    say(
      `worker, relay and projections (${procession.projections.length}) running on task queue ${procession.taskQueue}`,
    );
    say(`HTTP API at ${procession.apiUrl}`);

    if (process.env.DEMO !== 'off') {
      const figures = await runDemo(procession.apiUrl!, say, {
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
