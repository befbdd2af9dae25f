import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { DomainCommand } from '../domain/registry';
import { customersProjection } from '../projections/customers/customersProjection';
import { benchProcession, type BenchContext } from './context';
import { splitProcession } from './splitProcession';
import { orderCommand, registerCommands, send, sendBatches, untilBulkCompleted, untilReached } from './seed';
import { sagaTimeline, type SagaTimeline } from './sagaTimeline';
import { median, seconds } from './stats';

export interface OrderLatencies {
  orders: number;
  p50: number;
  worst: number;
}

export interface BulkBesideOrdersFigures {
  size: number;
  ordersPerSecond: number;
  quiet: OrderLatencies;
  duringBulk: OrderLatencies;
  bulkAlonePerSecond: number;
  bulkBesideOrdersPerSecond: number;
  /** Where the sagas' time went, quiet and during the bulk. */
  timelines: { quiet: SagaTimeline; duringBulk: SagaTimeline };
  /** This process's event loop delay, p50 / p99 / max in ms, quiet and during the bulk (one process only). */
  eventLoopDelay?: { quiet: string; duringBulk: string };
}

/** Customers and stock for orders that no bulk task of this figure touches (registered after its request). */
async function shopper(pool: Pool, orders: number): Promise<{ customerId: string; sku: string }> {
  const customerId = `shopper-${randomUUID()}`;
  const sku = `sku-${randomUUID()}`;
  await send(pool, { type: 'RegisterCustomer', data: { customerId, name: 'S', email: 's@example.com' } });
  await send(pool, { type: 'ReceiveStock', data: { sku, quantity: orders + 10 } });
  return { customerId, sku };
}

/** Places orders at a steady rate until `until` resolves; returns their ids. */
async function placeOrdersUntil(pool: Pool, perSecond: number, until: Promise<unknown>): Promise<string[]> {
  const { customerId, sku } = await shopper(pool, 100_000);
  const placed: string[] = [];
  let done = false;
  void until.finally(() => (done = true));
  const started = performance.now();
  while (!done) {
    const orderId = randomUUID();
    await send(pool, orderCommand(orderId, customerId, sku));
    placed.push(orderId);
    const due = started + (placed.length * 1000) / perSecond;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  }
  return placed;
}

/**
 * OrderPlaced → ShipmentScheduled (the saga awaits dispatch) per order, from the two events' own commit
 * times in the database: one clock, and no poller of ours competing with the run.
 */
async function orderLatencies(pool: Pool, orderIds: readonly string[]): Promise<OrderLatencies> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const scheduled = await pool.query<{ count: string }>(
      `select count(*) from events where event_type = 'ShipmentScheduled' and stream_id = any($1::text[])`,
      [orderIds.map((id) => `shipment-${id}`)],
    );
    if (Number(scheduled.rows[0]!.count) === orderIds.length) break;
    if (Date.now() > deadline)
      throw new Error(
        `bulk beside orders: ${scheduled.rows[0]!.count} of ${orderIds.length} orders scheduled`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const latencies = await pool.query<{ ms: number }>(
    `select extract(epoch from s.recorded_at - o.recorded_at)::float8 * 1000 as ms
     from unnest($1::text[]) as id
     join events o on o.stream_id = 'order-' || id and o.event_type = 'OrderPlaced'
     join events s on s.stream_id = 'shipment-' || id and s.event_type = 'ShipmentScheduled'`,
    [orderIds],
  );
  const values = latencies.rows.map((row) => row.ms);
  return { orders: values.length, p50: median(values), worst: Math.max(...values) };
}

function loopDelay(histogram: IntervalHistogram): string {
  const ms = (nanoseconds: number) => (nanoseconds / 1e6).toFixed(0);
  return `${ms(histogram.percentile(50))} / ${ms(histogram.percentile(99))} / ${ms(histogram.max)} ms`;
}

/** Requests a bulk task and resolves with its rate once its completion is in the log. */
async function runBulk(pool: Pool, size: number, request: DomainCommand): Promise<number> {
  const started = performance.now();
  await send(pool, request);
  const bulkId = (request.data as { bulkId: string }).bulkId;
  await untilBulkCompleted(pool, bulkId);
  return size / seconds(started);
}

async function inOneProcess(context: BenchContext) {
  const procession = await benchProcession(context, 'bulk_orders', ['worker', 'relay', 'projections'], {
    dispatchDeadline: '10 minutes',
  });
  return { pool: procession.running.pool, drop: procession.drop };
}

/**
 * What a bulk task does to everyone else. In one Procession (worker, relay and projections in one process,
 * as `npm start` runs them; with `--split`, each in a process of its own, as deployed): orders placed at a steady rate while nothing else runs, then a
 * disable-all over `size` customers alone, then an enable of the same customers (the same number of
 * commands, each appending one event) while orders are placed at the same rate. The orders' latency during
 * the bulk is held against the quiet one, the bulk's rate beside orders against its rate alone.
 */
export async function bulkBesideOrdersFigures(
  context: BenchContext,
  size: number,
  ordersPerSecond = 20,
): Promise<BulkBesideOrdersFigures> {
  const procession = context.split
    ? await splitProcession(context, 'bulk_orders', ['worker', 'relay', 'projections'], {
        ORDER_DISPATCH_DEADLINE: '10 minutes',
      })
    : await inOneProcess(context);
  const { pool } = procession;
  try {
    const last = await sendBatches(pool, registerCommands(`c${randomUUID().slice(0, 6)}`, size));
    await untilReached(pool, customersProjection.subscriptionId, last);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const quietOrders = await placeOrdersUntil(
      pool,
      ordersPerSecond,
      new Promise((resolve) => setTimeout(resolve, context.quick ? 2_000 : 10_000)),
    );
    const quietLoop = loopDelay(loop);
    const quiet = await orderLatencies(pool, quietOrders);
    const bulkAlonePerSecond = await runBulk(pool, size, {
      type: 'RequestBulkTask',
      data: { bulkId: randomUUID(), task: 'disable-all-customers', params: { reason: 'bench' } },
    });
    const beside = runBulk(pool, size, {
      type: 'RequestBulkTask',
      data: {
        bulkId: randomUUID(),
        task: 'enable-customers',
        params: { reason: 'bench over', disabledReason: 'bench' },
      },
    });
    loop.reset();
    const busyOrders = await placeOrdersUntil(pool, ordersPerSecond, beside);
    const bulkBesideOrdersPerSecond = await beside;
    const busyLoop = loopDelay(loop);
    loop.disable();
    return {
      size,
      ordersPerSecond,
      quiet,
      duringBulk: await orderLatencies(pool, busyOrders),
      bulkAlonePerSecond,
      bulkBesideOrdersPerSecond,
      timelines: {
        quiet: await sagaTimeline(context.server, pool, quietOrders),
        duringBulk: await sagaTimeline(context.server, pool, busyOrders),
      },
      // With --split the sagas run in other processes; this one only places the orders.
      eventLoopDelay: context.split ? undefined : { quiet: quietLoop, duringBulk: busyLoop },
    };
  } finally {
    await procession.drop();
  }
}
