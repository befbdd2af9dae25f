import { randomUUID } from 'node:crypto';
import { handleCommand } from '../../engine/commands/commandHandler';
import { customersProjection } from '../../projections/customers/customersProjection';
import { getCustomerView } from '../../projections/customers/customersReadModel';
import { customersRegisteredBeforeRequest } from '../../projections/customers/customerSets';
import { runProjection } from '../../engine/projections/projectionRunner';
import { readableLogHead } from '../../engine/eventstore/logHead';
import { LogSubscription } from '../../engine/eventstore/subscription';
import type { StoredEvent } from '../../engine/eventstore/types';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { privateClusterTest, startPrivateCluster, type PrivateCluster } from '../harness/privateCluster';
import { envelope } from './helpers';
import { shop } from '../../domain/registry';

// Transaction ids cross 10^16 (16 → 17 digits) and global positions cross 2^53 while the readers are held
// behind. Text order puts '10000000000000000' before '9999999999999999', and Number() rounds past 2^53:
// the reader before the fix saved its checkpoint after the 17-digit events and never saw the others.
// Needs PostgreSQL's server binaries (pg_resetwal); skipped, saying so, where there are none.
const clusterTest = privateClusterTest();
const boundary = 10n ** 16n;
const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
const registrations = 240;

let cluster: PrivateCluster;
let db: TestDatabase;
let customerIds: string[];

beforeAll(async () => {
  // 2^20 · k just below 10^16 (pg_resetwal starts a fresh id on a segment boundary); burned up close below.
  cluster = await startPrivateCluster({ nextTransactionId: boundary - 65_536n });
  db = await createTestDatabase({ serverUrl: cluster.urlFor('postgres') });
  await db.pool.query(`alter table events alter column global_position restart with ${maxSafe - 100n}`);
  await cluster.burnTransactionIdsUntil(boundary - BigInt(registrations / 2));

  customerIds = [];
  for (let i = 0; i < registrations; i++) {
    const customerId = `c-${String(i).padStart(4, '0')}-${randomUUID()}`;
    await handleCommand(
      db.pool,
      shop,
      envelope({
        type: 'RegisterCustomer',
        data: { customerId, name: `Customer ${i}`, email: 'c@example.com' },
      }),
    );
    customerIds.push(customerId);
  }
}, 120_000);

afterAll(async () => {
  await db?.drop();
  await cluster?.stop();
});

async function loggedPositions(): Promise<{ transactionId: string; globalPosition: string }[]> {
  const result = await db.pool.query<{ transaction_text: string; position_text: string }>(
    `select transaction_id::text as transaction_text, global_position::text as position_text
     from events order by global_position`,
  );
  return result.rows.map((row) => ({
    transactionId: row.transaction_text,
    globalPosition: row.position_text,
  }));
}

clusterTest(
  'the appends really crossed a power of ten in transaction ids and 2^53 in positions',
  async () => {
    const positions = await loggedPositions();
    expect(positions).toHaveLength(registrations);
    expect(positions.some((p) => BigInt(p.transactionId) < boundary)).toBe(true);
    expect(positions.some((p) => BigInt(p.transactionId) >= boundary)).toBe(true);
    expect(positions.some((p) => BigInt(p.globalPosition) > maxSafe + 1n)).toBe(true);
  },
);

clusterTest(
  'a subscriber far behind reads every event once, in commit order, with exact positions',
  async () => {
    const seen: StoredEvent[] = [];
    const subscription = new LogSubscription(db.pool, {
      subscriptionId: `far-behind-${randomUUID()}`,
      transactional: false,
      batchSize: 25,
      handleBatch: async (events) => {
        seen.push(...events);
      },
    });
    await subscription.catchUp();

    expect(seen.map(({ transactionId, globalPosition }) => ({ transactionId, globalPosition }))).toEqual(
      await loggedPositions(),
    );
    expect(seen.map((event) => (event.data as { customerId: string }).customerId)).toEqual(customerIds);
  },
);

clusterTest(
  'the customers projection, far behind, misses no customer, and an as-of count over the head sees all',
  async () => {
    const projection = runProjection(db.pool, customersProjection, { batchSize: 25 });
    await projection.catchUp();

    const head = (await readableLogHead(db.pool))!;
    const positions = await loggedPositions();
    expect(head).toEqual(positions[positions.length - 1]);
    expect(await customersRegisteredBeforeRequest.count(db.pool, { asOf: head, params: {} })).toBe(
      registrations,
    );
    for (const customerId of [customerIds[0]!, customerIds[registrations / 2]!, customerIds.at(-1)!]) {
      expect(await getCustomerView(db.pool, customerId)).toMatchObject({ customerId, status: 'active' });
    }
    const missing = await db.pool.query<{ count: string }>(
      `select count(*) from unnest($1::text[]) as id where id not in (select customer_id from customers)`,
      [customerIds],
    );
    expect(missing.rows[0]!.count).toBe('0');
  },
);
