import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { connectionConfig } from '../engine/eventstore/database';
import { relaySubscriptionId } from '../engine/relay/relay';
import { orderFulfillmentWorkflowId } from '../workflows/orderFulfillment/contract';
import { benchProcession, type BenchContext } from './context';
import { orderCommand, send, sendBatches, untilReached } from './seed';
import { median, percentile, seconds, withConcurrency } from './stats';

export interface RelayLagFigures {
  samples: number;
  lag: { p50: number; p95: number };
  baseline: { p50: number; p95: number };
}
export interface RelayThroughput {
  events: number;
  perSecond: number;
  baselinePerSecond: number;
}

/** The relay's concurrency, which the throughput baseline uses too. */
export const relayConcurrency = 32;

async function startedAfter(client: import('@temporalio/client').Client, workflowId: string, since: number) {
  const handle = client.workflow.getHandle(workflowId);
  for (;;) {
    const started = await handle.describe().then(
      (description) => description.startTime.getTime(),
      () => undefined,
    );
    if (started !== undefined) return started - since;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Event committed → saga started (Temporal's start time), one at a time. Baseline: a NOTIFY committed in
 * a transaction, heard by a LISTEN connection that starts a bare workflow.
 */
export async function relayLagFigures(context: BenchContext, samples: number): Promise<RelayLagFigures> {
  const procession = await benchProcession(context, 'relay_lag', ['relay']);
  const { pool, client, taskQueue } = procession.running;
  const listener = new PgClient(connectionConfig(procession.url));
  const notifier = new PgClient(connectionConfig(procession.url));
  try {
    await listener.connect();
    await notifier.connect();
    await listener.query('listen bench_lag');
    listener.on('notification', (message) => {
      void client.workflow.start('bareWorkflow', { taskQueue, workflowId: message.payload! });
    });
    const baseline: number[] = [];
    for (let i = 0; i < samples; i++) {
      const workflowId = `bench-lag-${randomUUID()}`;
      await notifier.query('begin');
      await notifier.query('select pg_notify($1, $2)', ['bench_lag', workflowId]);
      await notifier.query('commit');
      baseline.push(await startedAfter(client, workflowId, Date.now()));
    }
    const lag: number[] = [];
    for (let i = 0; i < samples; i++) {
      const orderId = randomUUID();
      await send(pool, orderCommand(orderId, 'c-bench', 'sku-bench'));
      lag.push(await startedAfter(client, orderFulfillmentWorkflowId(orderId), Date.now()));
    }
    const figures = (values: number[]) => ({ p50: median(values), p95: percentile(values, 95) });
    return { samples, lag: figures(lag), baseline: figures(baseline) };
  } finally {
    await listener.end();
    await notifier.end();
    await procession.drop();
  }
}

/**
 * `events` OrderPlaced appended at once → the relay has started every saga (no worker runs them, so only
 * the relay's work is timed). Baseline: the same number of bare workflow starts at the relay's concurrency.
 */
export async function relayThroughput(context: BenchContext, events: number): Promise<RelayThroughput> {
  const procession = await benchProcession(context, 'relay_throughput', ['relay']);
  const { pool, client, taskQueue } = procession.running;
  try {
    const ids = Array.from({ length: events }, () => `bench-start-${randomUUID()}`);
    let started = performance.now();
    await withConcurrency(ids, relayConcurrency, async (workflowId) => {
      await client.workflow.start('bareWorkflow', { taskQueue, workflowId });
    });
    const baselinePerSecond = events / seconds(started);

    started = performance.now();
    const last = await sendBatches(
      pool,
      Array.from({ length: events }, () => orderCommand(randomUUID(), 'c-bench', 'sku-bench')),
    );
    await untilReached(pool, relaySubscriptionId, last);
    return { events, perSecond: events / seconds(started), baselinePerSecond };
  } finally {
    await procession.drop();
  }
}
