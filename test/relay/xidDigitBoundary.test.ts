import { orderFulfillmentWorkflowId } from '../../workflows/orderFulfillment/contract';
import { eventually, startSagaHarness, type SagaHarness } from '../harness/sagaHarness';
import { privateClusterTest, startPrivateCluster, type PrivateCluster } from '../harness/privateCluster';
import { placeOrder, registerCustomer, sagaExists, stock } from '../sagas/orderScenario';

// The relay held behind while transaction ids cross 10^16: before the fix it read the 17-digit events
// first (text order), moved its checkpoint past the 16-digit ones and never started their sagas.
// Needs PostgreSQL's server binaries (pg_resetwal); skipped, saying so, where there are none.
const clusterTest = privateClusterTest();
const boundary = 10n ** 16n;
const orders = 40;

let cluster: PrivateCluster;
let h: SagaHarness;

beforeAll(async () => {
  cluster = await startPrivateCluster({ nextTransactionId: boundary - 65_536n });
  h = await startSagaHarness(
    'xid-boundary',
    { batchSize: 5, settings: { dispatchDeadline: '1 minute' } },
    cluster.urlFor('postgres'),
  );
}, 120_000);

afterAll(async () => {
  await h?.close();
  await cluster?.stop();
});

clusterTest(
  'the relay starts a saga for every OrderPlaced appended across a power of ten in transaction ids',
  async () => {
    const customerId = await registerCustomer(h);
    const sku = await stock(h, orders);
    await h.relay.stop();
    await cluster.burnTransactionIdsUntil(boundary - BigInt(orders / 2));

    const orderIds: string[] = [];
    for (let i = 0; i < orders; i++) {
      orderIds.push(await placeOrder(h, { customerId, lines: [{ sku, quantity: 1, unitPriceCents: 100 }] }));
    }
    const placed = await h.db.pool.query<{ transaction_text: string }>(
      `select transaction_id::text as transaction_text from events where event_type = 'OrderPlaced'`,
    );
    expect(placed.rows.some((row) => BigInt(row.transaction_text) < boundary)).toBe(true);
    expect(placed.rows.some((row) => BigInt(row.transaction_text) >= boundary)).toBe(true);

    h.relay.start();
    const missing = await eventually(
      async () => {
        const started = await Promise.all(orderIds.map((orderId) => sagaExists(h, orderId)));
        return started.every(Boolean) ? [] : undefined;
      },
      60_000,
      `a saga for each of ${orders} orders`,
    ).catch(async () => {
      const started = await Promise.all(orderIds.map((orderId) => sagaExists(h, orderId)));
      return orderIds.filter((_, i) => !started[i]);
    });
    expect(missing).toEqual([]);

    await Promise.all(
      orderIds.map((orderId) =>
        h.temporal.client.workflow
          .getHandle(orderFulfillmentWorkflowId(orderId))
          .cancel()
          .catch(() => {}),
      ),
    );
  },
  120_000,
);
