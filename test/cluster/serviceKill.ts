import { eventually } from '../../engine/testing/eventually';
import { call } from '../faults/cluster';
import { report, seedCustomers } from '../faults/seed';
import { describeSaga, type ClusterScenario } from './clusterHarness';
import {
  awaitingDispatch,
  bulkCompleted,
  disabledOnce,
  type BulkProgress,
  dispatchAndConfirmAll,
  parkedCount,
  prepareShop,
  send,
  streamOrders,
} from './shopWorkload';

/**
 * kill -9 one of the cluster's service processes while a bulk task disables `customers` customers and
 * orders flow at `ordersPerSecond`; start it again after `downMs`. Every customer is disabled exactly
 * once, every order's saga runs once to its confirmation, nothing is parked; the recovery times printed
 * are from the restart to the bulk's next progress and to a new order's saga awaiting dispatch.
 */
export async function killServiceDuringBulkAndOrders(
  scenario: ClusterScenario,
  service: string,
  options: { customers: number; ordersPerSecond: number; downMs: number },
) {
  const started = Date.now();
  const api = await scenario.spawn('api+relay+projections', 'api,relay,projections', {
    ORDER_DISPATCH_DEADLINE: '10 minutes',
  });
  await scenario.spawn('worker', 'worker', { ORDER_DISPATCH_DEADLINE: '10 minutes' });
  const urls = [api.url];
  const { ids, lastPosition } = await seedCustomers(scenario.pool, service, options.customers);
  const ready = await call(
    api.url,
    'GET',
    `/customers/${ids.at(-1)}?minPosition=${lastPosition}&waitMs=60000`,
  );
  expect(ready.status).toBe(200);
  const requested = await send<{ bulkId: string }>(
    urls,
    '/bulk/disable-all-customers',
    { reason: `${service} kill` },
    [202],
  );
  // Registered after the request, so the bulk task's item set leaves the ordering customer out.
  const shop = await prepareShop(urls, 100_000);
  const orders = streamOrders(urls, shop, options.ordersPerSecond);
  const progress = async () => (await call<BulkProgress>(api.url, 'GET', `/bulk/${requested.bulkId}`)).body;
  const processedAtKill = await eventually(
    async () => {
      const now = await progress();
      return now.processed >= options.customers * 0.2 ? now.processed : undefined;
    },
    180_000,
    'a fifth of the bulk task to be processed',
  );
  expect(processedAtKill).toBeLessThan(options.customers);
  const ordersAtKill = orders.ids.length;
  const { killedAt, restartedAt, servingMs } = await scenario.killAndRestart(service, options.downMs);
  const progressAfterMs = await eventually(
    async () => ((await progress()).processed > processedAtKill ? Date.now() - restartedAt : undefined),
    180_000,
    `the bulk task to move past ${processedAtKill} after ${service} restarted`,
  );
  const placedAfter = await eventually(
    async () =>
      orders.ids[ordersAtKill + Math.ceil(((Date.now() - killedAt) * options.ordersPerSecond) / 2000)],
    120_000,
    'an order placed after the restart',
  );
  const orderAfterMs =
    (await awaitingDispatch(api.url, placedAfter).catch(async (error: unknown) => {
      console.log(`[cluster] ${await describeSaga(scenario, `order-fulfillment:${placedAfter}`)}`);
      throw error;
    })) - restartedAt;

  const done = await bulkCompleted(progress);
  await orders.stop();
  const { lost, doubled } = await disabledOnce(scenario.pool, ids);
  const ordersChecked = await dispatchAndConfirmAll(scenario.pool, urls, orders.ids);
  const parked = await parkedCount(scenario.pool);

  expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
  expect(done).toMatchObject({ processed: done.total, failed: 0 });
  expect(done.changed).toBeGreaterThanOrEqual(options.customers);
  expect(ordersChecked).toMatchObject({ confirmedTwice: 0, cancelled: 0 });
  expect(parked).toBe(0);
  report(`cluster-${service}-kill`, {
    customers: options.customers,
    lost,
    doubled,
    orders: ordersChecked.orders,
    ordersRefusedFirstTry: orders.refusals,
    parked,
    downMs: restartedAt - killedAt,
    clusterServingAfterRestartMs: servingMs,
    bulkProgressAfterRestartMs: progressAfterMs,
    newOrderAwaitingDispatchAfterRestartMs: orderAfterMs,
    totalSeconds: Math.round((Date.now() - started) / 1000),
  });
}
