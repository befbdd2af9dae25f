// `npm run bench`: measures the two figures the demo reports, each against a baseline measured in the
// same run on the same machine, and prints ratios. Real PostgreSQL, real Temporal dev server.
import { randomUUID } from 'node:crypto';
import { parseApiKeys } from '../api/auth';
import { handleCommandBatch } from '../engine/eventstore/batchCommandHandler';
import { handleCommand } from '../engine/eventstore/commandHandler';
import { databaseUrlFromEnv, dropDatabase } from '../engine/eventstore/database';
import type { DomainCommand } from '../domain/registry';
import { bulkTaskWorkflowId } from '../engine/bulk/contract';
import { orderFulfillmentWorkflowId } from '../workflows/orderFulfillment/contract';
import { startProcession, type RunningProcession } from '../worker/procession';
import { startDevServer } from '../engine/temporal/devServer';
import { installTemporalRuntime } from '../engine/temporal/runtime';
import { shop } from '../domain/registry';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 2_000);
const orders = Number(process.env.BENCH_ORDERS ?? 10);

const envelope = (command: DomainCommand) => ({
  commandId: randomUUID(),
  command,
  metadata: { correlationId: 'bench', causationId: 'bench', actor: 'bench' },
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function registerCustomers(p: RunningProcession, prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(6, '0')}`);
  for (let start = 0; start < ids.length; start += 500) {
    await handleCommandBatch(
      p.pool,
      shop,
      ids
        .slice(start, start + 500)
        .map((customerId) =>
          envelope({ type: 'RegisterCustomer', data: { customerId, name: 'b', email: 'b@example.com' } }),
        ),
    );
  }
  return ids;
}

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function bulkFigures(p: RunningProcession) {
  // Baseline: one command per transaction, one after another.
  const one = await registerCustomers(p, `one-${randomUUID().slice(0, 6)}`, customers);
  let started = performance.now();
  for (const customerId of one)
    await handleCommand(
      p.pool,
      shop,
      envelope({ type: 'DisableCustomer', data: { customerId, reason: 'bench' } }),
    );
  const baselinePerSecond = customers / ((performance.now() - started) / 1000);

  // The batch handler the bulk saga's activity uses, pages of 200.
  const batch = await registerCustomers(p, `batch-${randomUUID().slice(0, 6)}`, customers);
  started = performance.now();
  for (let start = 0; start < batch.length; start += 200) {
    await handleCommandBatch(
      p.pool,
      shop,
      batch
        .slice(start, start + 200)
        .map((customerId) => envelope({ type: 'DisableCustomer', data: { customerId, reason: 'bench' } })),
    );
  }
  const batchPerSecond = customers / ((performance.now() - started) / 1000);

  // The whole saga: request recorded → relay → workflow pages → BulkTaskCompleted. Every earlier
  // customer is already disabled, so the set is 2× customers with `customers` of them still active.
  await registerCustomers(p, `saga-${randomUUID().slice(0, 6)}`, customers);
  const bulkId = randomUUID();
  started = performance.now();
  await handleCommand(
    p.pool,
    shop,
    envelope({
      type: 'RequestBulkTask',
      data: { bulkId, task: 'disable-all-customers', params: { reason: 'bench' } },
    }),
  );
  const handle = p.client.workflow.getHandle(bulkTaskWorkflowId('disable-all-customers', bulkId));
  const result = await until(() => handle.describe().then(() => handle.result()));
  const sagaSeconds = (performance.now() - started) / 1000;
  return {
    baselinePerSecond,
    batchPerSecond,
    sagaPerSecond: result.total / sagaSeconds,
    sagaTotal: result.total,
    sagaSeconds,
  };
}

async function orderFigures(p: RunningProcession) {
  const baseline: number[] = [];
  for (let i = 0; i < orders; i++) {
    const started = performance.now();
    await p.client.workflow.execute('oneCommand', {
      args: [`bench-${randomUUID()}`],
      taskQueue: p.taskQueue,
      workflowId: `bench-one-${randomUUID()}`,
    });
    baseline.push(performance.now() - started);
  }
  const customerId = `shopper-${randomUUID()}`;
  const sku = `sku-${randomUUID()}`;
  await handleCommand(
    p.pool,
    shop,
    envelope({ type: 'RegisterCustomer', data: { customerId, name: 's', email: 's@example.com' } }),
  );
  await handleCommand(p.pool, shop, envelope({ type: 'ReceiveStock', data: { sku, quantity: orders * 2 } }));
  const toAwaiting: number[] = [];
  const toConfirmed: number[] = [];
  for (let i = 0; i < orders; i++) {
    const orderId = randomUUID();
    const started = performance.now();
    await handleCommand(
      p.pool,
      shop,
      envelope({
        type: 'PlaceOrder',
        data: {
          orderId,
          customerId,
          lines: [{ sku, quantity: 1, unitPriceCents: 1000 }],
          paymentMethod: 'pm_card_ok',
          shippingAddress: { name: 'n', line1: 'l', city: 'c', postalCode: 'p', country: 'GB' },
        },
      }),
    );
    const handle = p.client.workflow.getHandle(orderFulfillmentWorkflowId(orderId));
    await until(async () =>
      (await handle.query<{ step: string }>('progress')).step === 'awaiting dispatch' ? true : undefined,
    );
    toAwaiting.push(performance.now() - started);
    const dispatched = performance.now();
    await handleCommand(p.pool, shop, envelope({ type: 'DispatchShipment', data: { orderId } }));
    await handle.result();
    toConfirmed.push(performance.now() - dispatched);
  }
  return {
    baselineMs: median(baseline),
    toAwaitingMs: median(toAwaiting),
    toConfirmedMs: median(toConfirmed),
  };
}

async function main() {
  installTemporalRuntime((line) => console.error(line));
  const server = await startDevServer({ ui: false });
  const url = new URL(databaseUrlFromEnv());
  url.pathname = `/procession_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const p = await startProcession({
    databaseUrl: url.toString(),
    temporal: { connectionOptions: { address: server.address }, namespace: server.namespace },
    taskQueue: `bench-${randomUUID()}`,
    pollIntervalMs: 100,
    apiKeys: parseApiKeys('admin:bench-only-key-0123456789'),
    workflowsPath: require.resolve('./benchWorkflows'),
  });
  try {
    const bulk = await bulkFigures(p);
    const order = await orderFigures(p);
    const rows = [
      [
        'bulk: DisableCustomer one command per transaction (baseline)',
        `${bulk.baselinePerSecond.toFixed(0)} customers/s`,
        '1.00',
      ],
      [
        'bulk: batch handler, pages of 200',
        `${bulk.batchPerSecond.toFixed(0)} customers/s`,
        (bulk.batchPerSecond / bulk.baselinePerSecond).toFixed(2),
      ],
      [
        `bulk: disable-all-customers task, ${bulk.sagaTotal} customers, request → completed`,
        `${bulk.sagaPerSecond.toFixed(0)} customers/s`,
        (bulk.sagaPerSecond / bulk.baselinePerSecond).toFixed(2),
      ],
      [
        'order: one-command workflow round trip (baseline, median)',
        `${order.baselineMs.toFixed(0)} ms`,
        '1.00',
      ],
      [
        'order: OrderPlaced → awaiting dispatch (4 commands, median)',
        `${order.toAwaitingMs.toFixed(0)} ms`,
        (order.toAwaitingMs / order.baselineMs).toFixed(2),
      ],
      [
        'order: ShipmentDispatched → confirmed (2 commands, median)',
        `${order.toConfirmedMs.toFixed(0)} ms`,
        (order.toConfirmedMs / order.baselineMs).toFixed(2),
      ],
    ];
    console.log(`\nProcession bench — ${customers} customers, ${orders} orders\n`);
    for (const [name, figure, ratio] of rows)
      console.log(`${name!.padEnd(72)} ${figure!.padStart(16)}   ×${ratio}`);
  } finally {
    await p.stop();
    await server.stop();
    await dropDatabase(url.toString());
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
