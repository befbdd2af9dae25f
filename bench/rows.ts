// Each figure of the bench as rows of the printed table: the measurement, its same-run baseline, the ratio
// and the target it is held to.
import { bulkFigures } from './bulk';
import { bulkBesideOrdersFigures } from './bulkBesideOrders';
import { describeTimeline } from './sagaTimeline';
import { commandFigures } from './commands';
import type { BenchContext } from './context';
import { orderFigures } from './orders';
import { rebuildFigures } from './rebuild';
import { relayConcurrency, relayLagFigures, relayThroughput } from './relay';
import type { Row } from './table';

type Say = (line: string) => void;

export async function bulkRows(context: BenchContext, sizes: readonly number[], say: Say): Promise<Row[]> {
  const rows: Row[] = [];
  for (const size of sizes) {
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
  return rows;
}

export async function orderRows(context: BenchContext, say: Say): Promise<Row[]> {
  const { quick } = context;
  const rows: Row[] = [];
  say('orders');
  const orders = await orderFigures(context, quick ? 5 : 50);
  const ms = (value: { p50: number; p95: number }) => `${value.p50.toFixed(0)} / ${value.p95.toFixed(0)} ms`;
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
  return rows;
}

export async function relayRows(context: BenchContext, say: Say): Promise<Row[]> {
  const { quick } = context;
  const relaySizes = quick ? [100] : [100, 1_000, 5_000];
  const rows: Row[] = [];
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
  return rows;
}

export async function commandRows(context: BenchContext, say: Say): Promise<Row[]> {
  const { quick } = context;
  const rows: Row[] = [];
  say('commands');
  const commands = await commandFigures(context, quick ? 400 : 4_000);
  rows.push({
    figure: `POST /customers, ${commands.clients} keep-alive clients, ${commands.requests.toLocaleString('en')} requests`,
    value: `${Math.round(commands.perSecond)} /s, p99 ${commands.p99.toFixed(1)} ms`,
    baseline: `${Math.round(commands.baselinePerSecond)} /s, p99 ${commands.baselineP99.toFixed(1)} ms one-row inserts`,
    ratio: commands.perSecond / commands.baselinePerSecond,
    target: `≥ ×0.50, p99 ≤ 2× the baseline's: ${commands.perSecond / commands.baselinePerSecond >= 0.5 && commands.p99 <= 2 * commands.baselineP99 ? 'met' : 'not met'}`,
  });
  return rows;
}

export async function rebuildRows(context: BenchContext, say: Say): Promise<Row[]> {
  const { quick } = context;
  const rows: Row[] = [];
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
  return rows;
}

export async function bulkBesideOrdersRows(context: BenchContext, say: Say): Promise<Row[]> {
  const size = context.quick ? 2_000 : 100_000;
  say(`bulk beside orders ${size}`);
  const figures = await bulkBesideOrdersFigures(context, size);
  const { quiet, duringBulk: busy } = figures;
  say(`order sagas quiet: ${describeTimeline(figures.timelines.quiet)}`);
  say(`order sagas during the bulk: ${describeTimeline(figures.timelines.duringBulk)}`);
  if (figures.eventLoopDelay)
    say(
      `event loop delay p50 / p99 / max: quiet ${figures.eventLoopDelay.quiet}, during the bulk ${figures.eventLoopDelay.duringBulk}`,
    );
  const ms = (value: { p50: number; worst: number }) =>
    `${value.p50.toFixed(0)} / ${value.worst.toFixed(0)} ms`;
  const latencyMet = busy.p50 <= 1.5 * quiet.p50 && busy.worst <= 3 * quiet.worst;
  const rateRatio = figures.bulkBesideOrdersPerSecond / figures.bulkAlonePerSecond;
  return [
    {
      figure: `order saga while a bulk task of ${size.toLocaleString('en')} runs${context.split ? ' (roles in processes of their own)' : ''}, OrderPlaced → awaiting dispatch, p50 / worst of ${busy.orders} (${figures.ordersPerSecond} orders/s)`,
      value: ms(busy),
      baseline: `${ms(quiet)} the same orders, quiet (${quiet.orders})`,
      ratio: busy.p50 / quiet.p50,
      target: `p50 ≤ ×1.5, worst ≤ ×3 (here ×${(busy.worst / quiet.worst).toFixed(1)}): ${latencyMet ? 'met' : 'not met'}`,
    },
    {
      figure: `bulk task of ${size.toLocaleString('en')} with orders flowing${context.split ? ' (split)' : ''}, request → completed`,
      value: `${Math.round(figures.bulkBesideOrdersPerSecond).toLocaleString('en')} /s`,
      baseline: `${Math.round(figures.bulkAlonePerSecond).toLocaleString('en')} /s the bulk alone`,
      ratio: rateRatio,
      target: `≥ ×0.80: ${rateRatio >= 0.8 ? 'met' : 'not met'}`,
    },
  ];
}
