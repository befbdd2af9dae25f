import { eventually } from '../../engine/testing/eventually';
import { report } from '../faults/seed';
import { startClusterScenario, type ClusterScenario } from './clusterHarness';
import {
  awaitingDispatch,
  dispatchAndConfirmAll,
  parkedCount,
  prepareShop,
  streamOrders,
} from './shopWorkload';

// kill -9 the frontend for ten seconds while clients place orders: the event log does not need Temporal,
// so every command is accepted; the relay cannot start sagas meanwhile and its checkpoint stays below the
// first order it could not deliver; once the frontend is back every saga starts, once.
// What the checkpoint check can see: during an outage this short the relay's start call does not fail, it
// waits (the client retries an unreachable server), so the relay reads nothing new until the frontend is
// back. A relay that moved its checkpoint before delivering still passed here (tried);
// test/relay/relayFailures.test.ts, where the start fails outright, is what catches that one.
let scenario: ClusterScenario;

beforeAll(async () => {
  scenario = await startClusterScenario('frontend-kill');
}, 300_000);

afterAll(async () => {
  await scenario?.close();
});

/** Whether the relay's checkpoint is at or past one of these orders' OrderPlaced. */
async function checkpointPassed(orderIds: readonly string[]): Promise<boolean> {
  const { rows } = await scenario.pool.query(
    `select 1 from checkpoints c join events e
       on e.event_type = 'OrderPlaced' and e.stream_id = any($1)
     where c.subscription_id = 'relay:sagas'
       and (c.transaction_id, c.global_position) >= (e.transaction_id, e.global_position)
     limit 1`,
    [orderIds.map((id) => `order-${id}`)],
  );
  return rows.length > 0;
}

test('commands are accepted while the frontend is down, and every saga starts once it is back', () =>
  scenario.withLogsOnFailure(async () => {
    const started = Date.now();
    const env = { ORDER_DISPATCH_DEADLINE: '10 minutes' };
    const api = await scenario.spawn('api+relay+projections', 'api,relay,projections', env);
    await scenario.spawn('worker', 'worker', env);
    const shop = await prepareShop([api.url], 10_000);
    const orders = streamOrders([api.url], shop, 10);
    await eventually(async () => (orders.ids.length >= 20 ? true : undefined), 60_000, '20 orders placed');
    await awaitingDispatch(api.url, orders.ids[0]!);

    const frontend = scenario.cluster.process('frontend');
    await frontend.kill();
    const killedAt = Date.now();
    // An order answered just after the kill may have been committed, and its saga started, just before.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const placedBeforeKill = orders.ids.length;
    let checkpointPassedUndelivered = false;
    while (Date.now() - killedAt < 10_000) {
      const placedDuringOutage = orders.ids.slice(placedBeforeKill);
      if (placedDuringOutage.length > 0 && (await checkpointPassed(placedDuringOutage))) {
        checkpointPassedUndelivered = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const duringOutage = orders.ids.slice(placedBeforeKill);
    frontend.start();
    const restartedAt = Date.now();
    await scenario.cluster.waitUntilServing(120_000);
    const servingMs = Date.now() - restartedAt;
    const firstSagaAfterMs = (await awaitingDispatch(api.url, duringOutage[0]!)) - restartedAt;
    await orders.stop();
    const checked = await dispatchAndConfirmAll(scenario.pool, [api.url], orders.ids);
    const parked = await parkedCount(scenario.pool);

    expect(duringOutage.length).toBeGreaterThanOrEqual(40);
    expect(orders.refusals).toBe(0);
    expect(checkpointPassedUndelivered).toBe(false);
    expect(checked).toMatchObject({ confirmedTwice: 0, cancelled: 0 });
    expect(parked).toBe(0);
    report('cluster-frontend-kill', {
      orders: checked.orders,
      acceptedWhileFrontendDown: duringOutage.length,
      refusedFirstTry: orders.refusals,
      checkpointPassedUndelivered,
      parked,
      downMs: restartedAt - killedAt,
      clusterServingAfterRestartMs: servingMs,
      firstOutageSagaAwaitingDispatchAfterRestartMs: firstSagaAfterMs,
      totalSeconds: Math.round((Date.now() - started) / 1000),
    });
  }));
