import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { benchProcession, type BenchContext } from './context';
import { orderCommand, send } from './seed';
import { median, percentile } from './stats';

export interface LatencyFigures {
  p50: number;
  p95: number;
}
export interface OrderFigures {
  samples: number;
  baseline: LatencyFigures;
  toAwaitingDispatch: LatencyFigures;
  dispatchToConfirmed: LatencyFigures;
}

const figures = (values: number[]): LatencyFigures => ({ p50: median(values), p95: percentile(values, 95) });

async function until(pool: Pool, streamId: string, type: string): Promise<void> {
  for (;;) {
    const found = await pool.query('select 1 from events where stream_id = $1 and event_type = $2', [
      streamId,
      type,
    ]);
    if (found.rowCount) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * One order saga at a time: OrderPlaced committed → ShipmentScheduled committed (the saga awaits dispatch),
 * and DispatchShipment committed → OrderConfirmed committed. Baseline: a bare workflow with one regular
 * no-op activity, started by the client and awaited to its result.
 */
export async function orderFigures(context: BenchContext, samples: number): Promise<OrderFigures> {
  const procession = await benchProcession(context, 'orders', ['worker', 'relay'], {
    dispatchDeadline: '5 minutes',
  });
  const { pool, client, taskQueue } = procession.running;
  try {
    const baseline: number[] = [];
    for (let i = 0; i < samples + 3; i++) {
      const started = performance.now();
      await client.workflow.execute('oneNoopActivity', {
        taskQueue,
        workflowId: `bench-noop-${randomUUID()}`,
      });
      if (i >= 3) baseline.push(performance.now() - started); // the first few warm the worker up
    }
    const customerId = `shopper-${randomUUID()}`;
    const sku = `sku-${randomUUID()}`;
    await send(pool, { type: 'RegisterCustomer', data: { customerId, name: 'S', email: 's@example.com' } });
    await send(pool, { type: 'ReceiveStock', data: { sku, quantity: (samples + 3) * 2 } });
    const toAwaiting: number[] = [];
    const toConfirmed: number[] = [];
    for (let i = 0; i < samples + 3; i++) {
      const orderId = randomUUID();
      await send(pool, orderCommand(orderId, customerId, sku));
      const placed = performance.now();
      await until(pool, `shipment-${orderId}`, 'ShipmentScheduled');
      const awaiting = performance.now() - placed;
      await send(pool, { type: 'DispatchShipment', data: { orderId } });
      const dispatched = performance.now();
      await until(pool, `order-${orderId}`, 'OrderConfirmed');
      if (i >= 3) {
        toAwaiting.push(awaiting);
        toConfirmed.push(performance.now() - dispatched);
      }
    }
    return {
      samples,
      baseline: figures(baseline),
      toAwaitingDispatch: figures(toAwaiting),
      dispatchToConfirmed: figures(toConfirmed),
    };
  } finally {
    await procession.drop();
  }
}
