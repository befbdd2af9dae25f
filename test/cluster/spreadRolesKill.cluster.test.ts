import { eventually } from '../../engine/testing/eventually';
import { call, type RoleProcess } from '../faults/cluster';
import { report, seedCustomers } from '../faults/seed';
import { startClusterScenario, type ClusterScenario } from './clusterHarness';
import {
  bulkCompleted,
  disabledOnce,
  dispatchAndConfirmAll,
  parkedCount,
  prepareShop,
  send,
  streamOrders,
  type BulkProgress,
} from './shopWorkload';

// Procession spread as deployed (two processes of each role) on the cluster; one process of each role
// killed with SIGKILL at once, mid-bulk and mid-orders, and started again: nothing lost, nothing doubled.
let scenario: ClusterScenario;
const customers = 5_000;

beforeAll(async () => {
  scenario = await startClusterScenario('spread-roles');
}, 300_000);

afterAll(async () => {
  await scenario?.close();
});

test('one process of each role killed and restarted: 0 lost, 0 doubled', () =>
  scenario.withLogsOnFailure(async () => {
    const started = Date.now();
    const env = { ORDER_DISPATCH_DEADLINE: '10 minutes', BULK_PAGE_SIZE: '100' };
    const spread: RoleProcess[] = [];
    for (const role of ['api', 'worker', 'relay', 'projections']) {
      for (const replica of [1, 2]) spread.push(await scenario.spawn(`${role}-${replica}`, role, env));
    }
    const apis = spread.filter((each) => each.name.startsWith('api-'));
    const urls = apis.map((each) => each.url);
    const { ids, lastPosition } = await seedCustomers(scenario.pool, 'spread', customers);
    const ready = await call(
      urls[1]!,
      'GET',
      `/customers/${ids.at(-1)}?minPosition=${lastPosition}&waitMs=60000`,
    );
    expect(ready.status).toBe(200);
    const { bulkId } = await send<{ bulkId: string }>(
      urls,
      '/bulk/disable-all-customers',
      { reason: 'spread' },
      [202],
    );
    // Registered after the request, so the bulk task's item set leaves the ordering customer out.
    const shop = await prepareShop(urls, 10_000);
    const orders = streamOrders(urls, shop, 5);
    const progress = async () => {
      for (const url of [...urls].reverse()) {
        const answer = await call<BulkProgress>(url, 'GET', `/bulk/${bulkId}`);
        if (answer.status === 200) return answer.body;
      }
      return undefined;
    };
    const processedAtKill = await eventually(
      async () => {
        const now = await progress();
        return now && now.processed >= customers * 0.2 ? now.processed : undefined;
      },
      180_000,
      'a fifth of the bulk task to be processed',
    );
    expect(processedAtKill).toBeLessThan(customers);
    const victims = ['api-1', 'worker-1', 'relay-1', 'projections-1'].map((name) =>
      spread.find((each) => each.name === name)!,
    );
    // The first of each started first and holds the leadership: the kill takes the active relay and
    // the active projection runners, not standbys.
    const said = (name: string, line: RegExp) =>
      spread
        .find((each) => each.name === name)!
        .linesSinceStart()
        .some((text) => line.test(text));
    expect(said('relay-1', /relay is active/)).toBe(true);
    expect(said('projections-1', /customers projection is active/)).toBe(true);
    await Promise.all(victims.map((each) => each.kill()));
    const killedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await Promise.all(victims.map((each) => each.start()));
    const restartedMs = Date.now() - killedAt;

    const done = await bulkCompleted(progress);
    await orders.stop();
    const { lost, doubled } = await disabledOnce(scenario.pool, ids);
    const checked = await dispatchAndConfirmAll(scenario.pool, urls, orders.ids);
    // The read model, through either API, after every projection caught up.
    const stillActive = await eventually(
      async () => {
        const active = await call<{ items: Array<{ customerId: string }> }>(
          urls[0]!,
          'GET',
          '/customers?status=active&limit=100',
        );
        const seeded = active.body.items.filter((item) => item.customerId.startsWith('spread-'));
        return active.status === 200 && seeded.length === 0 ? seeded.length : undefined;
      },
      120_000,
      'the customers read model to show every seeded customer disabled',
    );
    const parked = await parkedCount(scenario.pool);

    expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
    expect(done).toMatchObject({ processed: done.total, failed: 0 });
    expect(checked).toMatchObject({ confirmedTwice: 0, cancelled: 0 });
    expect(stillActive).toBe(0);
    expect(parked).toBe(0);
    report('cluster-spread-roles-kill', {
      processes: spread.length,
      killed: victims.map((each) => each.name),
      customers,
      lost,
      doubled,
      orders: checked.orders,
      parked,
      restartedAfterKillMs: restartedMs,
      totalSeconds: Math.round((Date.now() - started) / 1000),
    });
  }));
