// `npm run bench:horizon`: how long an order saga takes to start after its OrderPlaced commits, on a quiet
// server and with a stranger's writing transaction held open (in another database; in this database on
// another table), as ratios to the quiet figure measured in the same run. Real PostgreSQL and Temporal.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { parseApiKeys } from '../engine/http/auth';
import { connectionConfig, databaseUrlFromEnv, dropDatabase } from '../engine/eventstore/database';
import { handleCommand } from '../engine/commands/commandHandler';
import { startDevServer } from '../engine/temporal/devServer';
import { installTemporalRuntime } from '../engine/temporal/runtime';
import type { DomainCommand } from '../domain/registry';
import { shop } from '../domain/registry';
import { orderFulfillmentWorkflowId } from '../workflows/orderFulfillment/contract';
import { startProcession, type RunningProcession } from '../worker/procession';

const samples = Number(process.env.BENCH_SAMPLES ?? 20);
const send = (p: RunningProcession, command: DomainCommand) =>
  handleCommand(p.pool, shop, {
    commandId: randomUUID(),
    command,
    metadata: { correlationId: 'bench', causationId: 'bench', actor: 'bench' },
  });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function lags(p: RunningProcession, customerId: string, sku: string): Promise<number[]> {
  const measured: number[] = [];
  for (let i = 0; i < samples; i++) {
    const orderId = `bench-${randomUUID()}`;
    const committed = Date.now();
    await send(p, {
      type: 'PlaceOrder',
      data: {
        orderId,
        customerId,
        lines: [{ sku, quantity: 1, unitPriceCents: 1 }],
        paymentMethod: 'pm_card_ok',
        shippingAddress: { name: 'B', line1: 'L', city: 'C', postalCode: 'P', country: 'GB' },
      },
    });
    const handle = p.client.workflow.getHandle(orderFulfillmentWorkflowId(orderId));
    for (;;) {
      const started = await handle.describe().then(
        (description) => description.startTime.getTime(),
        () => undefined,
      );
      if (started !== undefined) {
        measured.push(started - committed);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  return measured;
}

async function holding<T>(url: string, write: string, work: () => Promise<T>): Promise<T> {
  const stranger = new Client(connectionConfig(url));
  await stranger.connect();
  await stranger.query('begin');
  await stranger.query(write);
  try {
    return await work();
  } finally {
    await stranger.query('rollback');
    await stranger.end();
  }
}

async function main() {
  installTemporalRuntime(() => {});
  const server = await startDevServer({ ui: false });
  const url = new URL(databaseUrlFromEnv());
  url.pathname = `/procession_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const p = await startProcession({
    databaseUrl: url.toString(),
    temporal: { connectionOptions: { address: server.address }, namespace: server.namespace },
    taskQueue: `bench-${randomUUID()}`,
    apiKeys: parseApiKeys('admin:bench-only-key-0123456789'),
  });
  try {
    const customerId = `c-${randomUUID()}`;
    const sku = `sku-${randomUUID()}`;
    await send(p, { type: 'RegisterCustomer', data: { customerId, name: 'B', email: 'b@example.com' } });
    await send(p, { type: 'ReceiveStock', data: { sku, quantity: samples * 3 } });
    await p.pool.query('create table bench_scratch (x int)');
    const other = new URL(url.toString());
    other.pathname = '/postgres';

    const quiet = median(await lags(p, customerId, sku));
    const foreign = median(
      await holding(other.toString(), 'select pg_current_xact_id()', () => lags(p, customerId, sku)),
    );
    const sameDatabase = median(
      await holding(url.toString(), 'insert into bench_scratch values (1)', () => lags(p, customerId, sku)),
    );
    console.log(`\nOrderPlaced committed → saga started, median of ${samples} (ms)\n`);
    for (const [name, value] of [
      ['quiet (baseline)', quiet],
      ['a writer held open in another database', foreign],
      ['a writer held open in this database, another table', sameDatabase],
    ] as const)
      console.log(`${name.padEnd(56)} ${String(value).padStart(6)} ms   ×${(value / quiet).toFixed(2)}`);
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
