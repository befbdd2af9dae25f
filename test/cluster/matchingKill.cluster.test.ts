import { startClusterScenario, type ClusterScenario } from './clusterHarness';
import { killServiceDuringBulkAndOrders } from './serviceKill';

// kill -9 the only matching process mid-bulk and mid-orders: task queues are gone until it is back, and
// the workers' polls and the history's task dispatch retry meanwhile.
let scenario: ClusterScenario;

beforeAll(async () => {
  scenario = await startClusterScenario('matching-kill');
}, 300_000);

afterAll(async () => {
  await scenario?.close();
});

test('every customer once and every order saga once and final across the matching process killed and restarted', async () => {
  await scenario.withLogsOnFailure(() =>
    killServiceDuringBulkAndOrders(scenario, 'matching', {
      customers: 20_000,
      ordersPerSecond: 5,
      downMs: 8_000,
    }),
  );
});
