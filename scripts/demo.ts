// The demo `npm start` runs against its own HTTP API: customers and stock, orders that succeed and orders
// that compensate, then a DisableAllCustomers bulk task with live progress. Everything goes through the
// API, the relay and the sagas, as a user's requests would.
import { randomUUID } from 'node:crypto';
import { apiAt, type Say } from './demoApi';
import { runBulkDemo, type BulkFigures } from './demoBulk';
import { runOrderScenarios, seedShop, type OrderLatency } from './demoOrders';

export interface DemoFigures {
  orderLatenciesMs: OrderLatency[];
  bulk: BulkFigures;
}

export async function runDemo(
  baseUrl: string,
  say: Say,
  options: { apiKey: string; bulkCustomers?: number },
): Promise<DemoFigures> {
  const api = apiAt(baseUrl, options.apiKey);
  const run = randomUUID().slice(0, 6);
  const id = (name: string) => `${name}-${run}`;

  say(`seeding customers and stock (run ${run})`);
  await seedShop(api, id);
  const orderLatenciesMs = await runOrderScenarios(api, id, say);
  for (const latency of orderLatenciesMs) {
    say(
      `latency (${latency.label}): OrderPlaced → awaiting dispatch ${latency.placedToAwaitingDispatch} ms, ` +
        `ShipmentDispatched → OrderConfirmed ${latency.dispatchToConfirmed} ms`,
    );
  }
  const bulk = await runBulkDemo(api, id, say, options.bulkCustomers ?? 2_000);
  return { orderLatenciesMs, bulk };
}
