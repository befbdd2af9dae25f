// `npm run bench`: Procession's figures, each beside a baseline doing the same work in the same run on
// the same machine, printed as ratios. `-- --quick` runs tiny sizes (CI keeps it from rotting; no figure
// is asserted); `-- --size 1000000` sets the bulk sizes; `-- --only bulk,orders` runs some figures.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';
import { installTemporalRuntime } from '../engine/temporal/runtime';
import { bulkFigures } from './bulk';
import { commandFigures } from './commands';
import { benchDevServer, type BenchContext } from './context';
import { orderFigures } from './orders';
import { rebuildFigures } from './rebuild';
import { relayConcurrency, relayLagFigures, relayThroughput } from './relay';
import { printTable, type Row } from './table';

const figureNames = ['bulk', 'orders', 'relay', 'commands', 'rebuild'] as const;

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      size: { type: 'string', multiple: true },
      only: { type: 'string' },
    },
  });
  const quick = values.quick!;
  const only = new Set(values.only ? values.only.split(',') : figureNames);
  const bulkSizes =
    values.size?.flatMap((size) => size.split(',')).map(Number) ?? (quick ? [2_000] : [10_000, 100_000]);
  const relaySizes = quick ? [100] : [100, 1_000, 5_000];

  installTemporalRuntime(() => {});
  const loadBefore = os.loadavg();
  const [server, bundle] = await Promise.all([
    benchDevServer(),
    bundleWorkflowCode({ workflowsPath: require.resolve('./benchWorkflows'), logger: quietLogger }),
  ]);
  const context: BenchContext = { server, bundle, quick };
  const rows: Row[] = [];
  const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  try {
    if (only.has('bulk')) {
      for (const size of bulkSizes) {
        say(`bulk ${size}`);
        const bulk = await bulkFigures(context, size);
        say(`bulk ${size}: ${bulk.profile}`);
        rows.push({
          figure: `bulk disable-all-customers, ${size.toLocaleString('en')} customers, request → completed (read model too)`,
          value: `${Math.round(bulk.perSecond).toLocaleString('en')} /s`,
          baseline: `${Math.round(bulk.baselinePerSecond).toLocaleString('en')} /s plain SQL`,
          ratio: bulk.perSecond / bulk.baselinePerSecond,
          target:
            size >= 100_000
              ? `≥ 10,000/s and ×0.50: ${bulk.perSecond >= 10_000 && bulk.perSecond / bulk.baselinePerSecond >= 0.5 ? 'met' : 'not met'}`
              : '',
        });
        rows.push({
          figure: `  bulk memory and history, ${size.toLocaleString('en')}`,
          value: `RSS +${bulk.rssGrowthMiB.toFixed(0)} MiB`,
          baseline: `${bulk.rssBeforeMiB.toFixed(0)} MiB before`,
          ratio: undefined,
          target: `${bulk.runs} runs, longest history ${bulk.maxHistoryLength} events; live heap after GC ${bulk.heapGrowthAfterGcMiB === undefined ? 'not measured (no --expose-gc)' : `${bulk.heapGrowthAfterGcMiB >= 0 ? '+' : ''}${bulk.heapGrowthAfterGcMiB.toFixed(0)} MiB`}; RSS ≤ 50 MiB: ${bulk.rssGrowthMiB <= 50 ? 'met' : 'not met'}`,
        });
      }
    }
    if (only.has('orders')) {
      say('orders');
      const orders = await orderFigures(context, quick ? 5 : 50);
      const ms = (value: { p50: number; p95: number }) =>
        `${value.p50.toFixed(0)} / ${value.p95.toFixed(0)} ms`;
      for (const [name, value] of [
        ['OrderPlaced → awaiting dispatch', orders.toAwaitingDispatch],
        ['ShipmentDispatched → confirmed', orders.dispatchToConfirmed],
      ] as const)
        rows.push({
          figure: `order saga, ${name}, p50 / p95 of ${orders.samples}`,
          value: ms(value),
          baseline: `${ms(orders.baseline)} one-activity workflow`,
          ratio: value.p50 / orders.baseline.p50,
          target: `p50 ≤ ×1.0: ${value.p50 <= orders.baseline.p50 ? 'met' : 'not met'}`,
        });
    }
    if (only.has('relay')) {
      say('relay lag');
      const lag = await relayLagFigures(context, quick ? 5 : 50);
      rows.push({
        figure: `relay lag, committed → saga started, p50 / p95 of ${lag.samples}`,
        value: `${lag.lag.p50.toFixed(0)} / ${lag.lag.p95.toFixed(0)} ms`,
        baseline: `${lag.baseline.p50.toFixed(0)} / ${lag.baseline.p95.toFixed(0)} ms LISTEN + start`,
        ratio: lag.lag.p50 / lag.baseline.p50,
        target: `≤ ×2: ${lag.lag.p50 <= 2 * lag.baseline.p50 && lag.lag.p95 <= 2 * lag.baseline.p95 ? 'met' : 'not met'}`,
      });
      for (const events of relaySizes) {
        say(`relay throughput ${events}`);
        const throughput = await relayThroughput(context, events);
        rows.push({
          figure: `relay throughput, ${events.toLocaleString('en')} OrderPlaced appended at once → all sagas started`,
          value: `${Math.round(throughput.perSecond)} /s`,
          baseline: `${Math.round(throughput.baselinePerSecond)} /s bare starts ×${relayConcurrency}`,
          ratio: throughput.perSecond / throughput.baselinePerSecond,
          target:
            events >= 5_000
              ? `≥ ×0.50: ${throughput.perSecond / throughput.baselinePerSecond >= 0.5 ? 'met' : 'not met'}`
              : '',
        });
      }
    }
    if (only.has('commands')) {
      say('commands');
      const commands = await commandFigures(context, quick ? 400 : 4_000);
      rows.push({
        figure: `POST /customers, ${commands.clients} keep-alive clients, ${commands.requests.toLocaleString('en')} requests`,
        value: `${Math.round(commands.perSecond)} /s, p99 ${commands.p99.toFixed(1)} ms`,
        baseline: `${Math.round(commands.baselinePerSecond)} /s, p99 ${commands.baselineP99.toFixed(1)} ms one-row inserts`,
        ratio: commands.perSecond / commands.baselinePerSecond,
        target: `≥ ×0.40, p99 ≤ 20 ms: ${commands.perSecond / commands.baselinePerSecond >= 0.4 && commands.p99 <= 20 ? 'met' : 'not met'}`,
      });
    }
    if (only.has('rebuild')) {
      const customers = quick ? 2_000 : 100_000;
      say(`rebuild ${customers}`);
      const rebuild = await rebuildFigures(customers);
      rows.push({
        figure: `projection rebuild, ${customers.toLocaleString('en')} customers`,
        value: `${Math.round(rebuild.perSecond).toLocaleString('en')} /s`,
        baseline: `${Math.round(rebuild.baselinePerSecond).toLocaleString('en')} /s INSERT … SELECT`,
        ratio: rebuild.perSecond / rebuild.baselinePerSecond,
        target: `≥ ×0.50: ${rebuild.perSecond / rebuild.baselinePerSecond >= 0.5 ? 'met' : 'not met'}`,
      });
    }
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
    command: `npm run bench${quick ? ' -- --quick' : ''}`,
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
