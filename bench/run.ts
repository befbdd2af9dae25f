// `npm run bench`: Procession's figures, each beside a baseline doing the same work in the same run on
// the same machine, printed as ratios. `-- --quick` runs tiny sizes (CI keeps it from rotting; no figure
// is asserted); `-- --size 1000000` sets the bulk sizes; `-- --only bulk,contention,orders` runs some figures.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';
import { installTemporalRuntime } from '../engine/temporal/runtime';
import { benchDevServer, type BenchContext } from './context';
import { bulkBesideOrdersRows, bulkRows, commandRows, orderRows, rebuildRows, relayRows } from './rows';
import { printTable, type Row } from './table';

const figureNames = ['bulk', 'contention', 'orders', 'relay', 'commands', 'rebuild'] as const;

async function main() {
  const args = process.argv.slice(2);
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      size: { type: 'string', multiple: true },
      only: { type: 'string' },
      profile: { type: 'string' },
      split: { type: 'boolean', default: false },
    },
  });
  const quick = values.quick!;
  const only = new Set(values.only ? values.only.split(',') : figureNames);
  const bulkSizes =
    values.size?.flatMap((size) => size.split(',')).map(Number) ?? (quick ? [2_000] : [10_000, 100_000]);

  installTemporalRuntime(() => {});
  const loadBefore = os.loadavg();
  const [server, bundle] = await Promise.all([
    benchDevServer(),
    bundleWorkflowCode({ workflowsPath: require.resolve('./benchWorkflows'), logger: quietLogger }),
  ]);
  const context: BenchContext = { server, bundle, quick, profileDir: values.profile, split: values.split };
  const rows: Row[] = [];
  const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const figures: Record<(typeof figureNames)[number], () => Promise<Row[]>> = {
    bulk: () => bulkRows(context, bulkSizes, say),
    contention: () => bulkBesideOrdersRows(context, say),
    orders: () => orderRows(context, say),
    relay: () => relayRows(context, say),
    commands: () => commandRows(context, say),
    rebuild: () => rebuildRows(context, say),
  };
  try {
    for (const name of figureNames) if (only.has(name)) rows.push(...(await figures[name]()));
  } finally {
    await server.stop();
  }
  const cpus = os.cpus();
  printTable(rows, {
    when: new Date().toISOString(),
    machine: `${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    load: `load average before ${loadBefore.map((value) => value.toFixed(2)).join(' ')}, after ${os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
    // The flags as given (--only, --size, …), so a table says which figures it holds.
    command: `${process.env.TEMPORAL_ADDRESS ? `TEMPORAL_ADDRESS=${server.address} ` : ''}npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
  });
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (message: string) => console.error(message),
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
