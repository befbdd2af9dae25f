// `npm run relay:rescan -- --from <global position>`: delivers every event from that position up to the
// relay's checkpoint to its sagas again, starting or signalling what is missing. Idempotent (workflow ids
// come from the event, sagas drop event ids they have seen, finished sagas are never re-run), so it is
// safe to run beside `npm start` and to run twice. See README, "Repairing a log the relay skipped".
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { openPool } from '../engine/eventstore/database';
import { runningDatabaseUrl } from '../engine/postgres/target';
import { defaultTaskQueue } from '../worker/procession';
import { Relay } from '../engine/relay/relay';
import { triggerSettingsFromEnv } from '../worker/settings';
import { connectRunningTemporal } from '../engine/temporal/target';
import { installEventSchemas } from '../engine/eventstore/upcasting';
import { shopApplication } from '../worker/application';

async function main() {
  installEventSchemas(shopApplication.eventSchemas);
  const { values } = parseArgs({
    options: { from: { type: 'string' }, 'task-queue': { type: 'string', default: defaultTaskQueue } },
  });
  if (!values.from || !/^[0-9]+$/.test(values.from))
    throw new Error('Usage: npm run relay:rescan -- --from <global position> [--task-queue <queue>]');

  const pool = await openPool(await runningDatabaseUrl());
  const temporal = await connectRunningTemporal();
  const connection = await Connection.connect(temporal.connectionOptions);
  try {
    const client = new Client({ connection, namespace: temporal.namespace });
    const relay = new Relay(pool, client, {
      taskQueue: values['task-queue']!,
      triggers: shopApplication.triggers,
      settings: triggerSettingsFromEnv(),
      log: (message, fields) => {
        if (message !== 'delivered') console.log(`${message} ${JSON.stringify(fields ?? {})}`);
      },
    });
    const report = await relay.rescan(values.from, (progress) =>
      process.stdout.write(`\rrescanned ${progress.events} event(s)`),
    );
    console.log(
      `\nrescanned events ${values.from}..${report.upTo.globalPosition}: ${report.events} event(s), ` +
        `${report.delivered} delivered (started, found running or signalled), ` +
        `${report.alreadyFinished} for sagas already finished, ${report.parked} parked, ` +
        `${report.skipped} left alone by a trigger's condition`,
    );
  } finally {
    await connection.close();
    await pool.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
