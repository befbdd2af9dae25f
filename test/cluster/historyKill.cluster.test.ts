import { startClusterScenario, type ClusterScenario } from './clusterHarness';
import { killServiceDuringBulkAndOrders } from './serviceKill';

// kill -9 one of the two history processes mid-bulk and mid-orders: the other takes its shards over,
// the killed one comes back and takes its share again.
let scenario: ClusterScenario;

beforeAll(async () => {
  scenario = await startClusterScenario('history-kill');
}, 300_000);

afterAll(async () => {
  await scenario?.close();
});

test('every customer once and every order saga once and final across a history process killed and restarted', async () => {
  await scenario.withLogsOnFailure(() =>
    killServiceDuringBulkAndOrders(scenario, 'history-1', {
      customers: 20_000,
      ordersPerSecond: 5,
      downMs: 8_000,
    }),
  );
});
