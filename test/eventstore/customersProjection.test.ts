import { fold } from '../../engine/aggregate/decider';
import { customerAggregate, type CustomerEvent } from '../../domain/customer/customer';
import type { DomainCommand } from '../../domain/registry';
import { loadCheckpoint, saveCheckpoint } from '../../engine/eventstore/checkpoints';
import { handleCommand } from '../../engine/commands/commandHandler';
import { customersProjection } from '../../projections/customers/customersProjection';
import { getCustomerSpending, getCustomerView } from '../../projections/customers/customersReadModel';
import { appendPoisonOrderPlaced } from '../harness/poisonEvent';
import {
  customersDisabledForBeforeRequest,
  customersRegisteredBeforeRequest,
} from '../../projections/customers/customerSets';
import {
  projectionPosition,
  resetProjection,
  runProjection,
} from '../../engine/projections/projectionRunner';
import { readLogAfter } from '../../engine/eventstore/readLog';
import { readStream } from '../../engine/eventstore/readStream';
import { LogSubscription } from '../../engine/eventstore/subscription';
import { logStart, positionOf, type LogPosition } from '../../engine/eventstore/types';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { envelope, waitFor } from './helpers';
import { shop } from '../../domain/registry';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

interface CustomerRow {
  customer_id: string;
  name: string;
  email: string;
  status: string;
  disabled_reason: string | null;
  version: number;
  registered_transaction_id: string;
  registered_position: string;
  updated_at: Date;
}

async function customerRows(): Promise<CustomerRow[]> {
  const result = await database.pool.query<CustomerRow>(
    `select customer_id, name, email, status, disabled_reason, version,
       registered_transaction_id::text as registered_transaction_id, registered_position, updated_at
     from customers order by customer_id`,
  );
  return result.rows;
}

/** The rows the log says the table should hold, derived from each customer's stream. */
async function expectedRows(customerIds: readonly string[]): Promise<CustomerRow[]> {
  const rows: CustomerRow[] = [];
  for (const customerId of [...customerIds].sort()) {
    const history = await readStream(database.pool, `customer-${customerId}`);
    const state = fold(customerAggregate, history as unknown as CustomerEvent[]);
    const registered = history[0]!;
    const last = history[history.length - 1]!;
    rows.push({
      customer_id: customerId,
      name: state.name,
      email: state.email,
      status: state.status,
      disabled_reason: state.disabledReason ?? null,
      version: last.streamVersion,
      registered_transaction_id: registered.transactionId,
      registered_position: String(registered.globalPosition),
      updated_at: last.recordedAt,
    });
  }
  return rows;
}

async function run(command: DomainCommand) {
  return handleCommand(database.pool, shop, envelope(command));
}

const register = (customerId: string) =>
  run({
    type: 'RegisterCustomer',
    data: { customerId, name: `Customer ${customerId}`, email: `${customerId}@example.test` },
  });

/** The end of the log in read order, once everything committed is readable. */
async function logEnd(): Promise<LogPosition> {
  const { all, committed } = await waitFor(
    'the whole log to be readable',
    async () => {
      const count = await database.pool.query<{ count: string }>('select count(*) from events');
      return {
        all: await readLogAfter(database.pool, logStart, 10_000),
        committed: Number(count.rows[0]!.count),
      };
    },
    (log) => log.all.length >= log.committed,
  );
  expect(all).toHaveLength(committed);
  return positionOf(all[all.length - 1]!);
}

/** Catches the projection up with everything committed so far (bounded: other files' transactions may
 * briefly hold the readable horizon back). */
async function catchUpFully(): Promise<number> {
  const end = await logEnd();
  const projection = runProjection(database.pool, customersProjection);
  let processed = 0;
  await waitFor(
    'the projection to reach the end of the log',
    async () => (
      (processed += await projection.catchUp()),
      await projectionPosition(database.pool, customersProjection)
    ),
    (position) =>
      position.transactionId === end.transactionId && position.globalPosition === end.globalPosition,
  );
  return processed;
}

const firstCustomers = ['c-02', 'c-04', 'c-06', 'c-08', 'c-10', 'c-12'];
const laterCustomers = ['c-01', 'c-05', 'c-09', 'c-13', 'c-15'];
let asOfFirst: LogPosition;

test('the projection builds the customers table from the log', async () => {
  for (const customerId of firstCustomers) await register(customerId);
  await run({ type: 'DisableCustomer', data: { customerId: 'c-04', reason: 'fraud' } });
  await run({ type: 'DisableCustomer', data: { customerId: 'c-08', reason: 'closed' } });
  await run({ type: 'DisableCustomer', data: { customerId: 'c-08', reason: 'again' } }); // no event
  await run({ type: 'EnableCustomer', data: { customerId: 'c-10' } }); // no event
  await run({ type: 'DisableCustomer', data: { customerId: 'c-12', reason: 'mistake' } });
  await run({ type: 'EnableCustomer', data: { customerId: 'c-12' } });

  expect(await catchUpFully()).toBe(6 + 4);

  const rows = await customerRows();
  expect(rows).toEqual(await expectedRows(firstCustomers));
  expect(rows.map((row) => [row.customer_id, row.status, row.version, row.disabled_reason])).toEqual([
    ['c-02', 'active', 1, null],
    ['c-04', 'disabled', 2, 'fraud'],
    ['c-06', 'active', 1, null],
    ['c-08', 'disabled', 2, 'closed'],
    ['c-10', 'active', 1, null],
    ['c-12', 'active', 3, null],
  ]);
  expect(await getCustomerView(database.pool, 'c-04')).toMatchObject({
    customerId: 'c-04',
    status: 'disabled',
    disabledReason: 'fraud',
    version: 2,
  });
  expect(await projectionPosition(database.pool, customersProjection)).toEqual(await logEnd());
  // Caught up: another pass finds nothing to do.
  expect(await runProjection(database.pool, customersProjection).catchUp()).toBe(0);
});

test('rows and checkpoint move together: a failed batch changes neither', async () => {
  const before = await customerRows();
  const checkpointBefore = await loadCheckpoint(database.pool, customersProjection.subscriptionId);
  await register('c-14');
  await run({ type: 'DisableCustomer', data: { customerId: 'c-02', reason: 'late' } });

  const failing = new LogSubscription(database.pool, {
    subscriptionId: customersProjection.subscriptionId,
    transactional: true,
    handleBatch: async (events, client) => {
      await customersProjection.apply(client!, events);
      throw new Error('crash after the rows were written');
    },
  });
  const failure = await waitFor(
    'a batch to fail',
    () =>
      failing.catchUp().then(
        () => undefined,
        (error: unknown) => error,
      ),
    (error) => error !== undefined,
  );
  expect(failure).toMatchObject({ message: 'crash after the rows were written' });
  expect(await customerRows()).toEqual(before);
  expect(await loadCheckpoint(database.pool, customersProjection.subscriptionId)).toEqual(checkpointBefore);

  expect(await catchUpFully()).toBe(2);
  expect(await customerRows()).toEqual(await expectedRows([...firstCustomers, 'c-14']));
  expect(await getCustomerView(database.pool, 'c-02')).toMatchObject({ status: 'disabled', version: 2 });
  asOfFirst = await projectionPosition(database.pool, customersProjection);
});

test('a reset rebuilds the identical table from position 0', async () => {
  const built = await customerRows();
  expect(built).toHaveLength(7);

  await resetProjection(database.pool, customersProjection);
  expect(await customerRows()).toEqual([]);
  expect(await projectionPosition(database.pool, customersProjection)).toEqual(logStart);

  expect(await catchUpFully()).toBe(6 + 4 + 2);
  expect(await customerRows()).toEqual(built);
});

test('paging the customers as of a position excludes later registrations, each id once, in order', async () => {
  for (const customerId of laterCustomers) await register(customerId);
  await catchUpFully();
  const now = await projectionPosition(database.pool, customersProjection);
  expect(await customersRegisteredBeforeRequest.count(database.pool, { asOf: now, params: {} })).toBe(12);

  async function pageAll(asOf: LogPosition, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    for (let after: string | null = null; ;) {
      const page = await customersRegisteredBeforeRequest.page(
        database.pool,
        { asOf, params: {} },
        {
          after,
          upTo: null,
          limit,
        },
      );
      if (page.length === 0) return pages;
      pages.push(page);
      after = page[page.length - 1]!;
    }
  }

  const firstSet = [...firstCustomers, 'c-14'].sort();
  // The later ids sort in between the earlier ones, so only the position can keep them out.
  expect(await pageAll(asOfFirst, 3)).toEqual([
    firstSet.slice(0, 3),
    firstSet.slice(3, 6),
    firstSet.slice(6),
  ]);
  expect((await pageAll(asOfFirst, 1)).flat()).toEqual(firstSet);
  expect(await customersRegisteredBeforeRequest.count(database.pool, { asOf: asOfFirst, params: {} })).toBe(
    firstSet.length,
  );

  const everyone = [...firstSet, ...laterCustomers].sort();
  expect((await pageAll(now, 5)).flat()).toEqual(everyone);

  // Exactly at a registration's position includes it; just before excludes it.
  const c13 = (await readStream(database.pool, 'customer-c-13'))[0]!;
  const atC13 = positionOf(c13);
  const beforeC13 = { ...atC13, globalPosition: String(BigInt(atC13.globalPosition) - 1n) };
  expect((await pageAll(atC13, 100)).flat()).toContain('c-13');
  expect((await pageAll(beforeC13, 100)).flat()).not.toContain('c-13');
  expect(await customersRegisteredBeforeRequest.count(database.pool, { asOf: atC13, params: {} })).toBe(
    (await customersRegisteredBeforeRequest.count(database.pool, { asOf: beforeC13, params: {} })) + 1,
  );
});

test('the customers disabled for a reason as of a position: later disables and other reasons stay out', async () => {
  const ids = ['d-1', 'd-2', 'd-3', 'd-4', 'd-5'];
  for (const customerId of ids) await register(customerId);
  await run({ type: 'DisableCustomer', data: { customerId: 'd-1', reason: 'sweep' } });
  await run({ type: 'DisableCustomer', data: { customerId: 'd-2', reason: 'other' } });
  await run({ type: 'DisableCustomer', data: { customerId: 'd-3', reason: 'sweep' } });
  await run({ type: 'DisableCustomer', data: { customerId: 'd-4', reason: 'sweep' } });
  await run({ type: 'EnableCustomer', data: { customerId: 'd-4' } });
  await catchUpFully();
  const asOf = await projectionPosition(database.pool, customersProjection);
  // After the request: d-5 disabled for the same reason, d-1 enabled and disabled again.
  await run({ type: 'DisableCustomer', data: { customerId: 'd-5', reason: 'sweep' } });
  await run({ type: 'EnableCustomer', data: { customerId: 'd-3' } });
  await catchUpFully();

  const scope = { asOf, params: { disabledReason: 'sweep' } };
  // d-3 was in the set but is enabled now: the set only shrinks. d-5's disable came after the request.
  expect(
    await customersDisabledForBeforeRequest.page(database.pool, scope, {
      after: null,
      upTo: null,
      limit: 10,
    }),
  ).toEqual(['d-1']);
  expect(await customersDisabledForBeforeRequest.count(database.pool, scope)).toBe(1);
  const now = { asOf: await projectionPosition(database.pool, customersProjection), params: scope.params };
  expect(
    await customersDisabledForBeforeRequest.page(database.pool, now, { after: null, upTo: null, limit: 10 }),
  ).toEqual(['d-1', 'd-5']);
  expect(
    await customersDisabledForBeforeRequest.page(database.pool, now, { after: 'd-1', upTo: null, limit: 10 }),
  ).toEqual(['d-5']);
  // A range's upper bound is inclusive; nothing past it comes back.
  expect(
    await customersDisabledForBeforeRequest.page(database.pool, now, { after: null, upTo: 'd-1', limit: 10 }),
  ).toEqual(['d-1']);
});

test("orders fold into each customer's spending once; an OrderPlaced no order could come from is passed over", async () => {
  const customerId = `spender-${Date.now()}`;
  const send = (command: DomainCommand) => handleCommand(database.pool, shop, envelope(command));
  await send({ type: 'RegisterCustomer', data: { customerId, name: 'S', email: 's@example.com' } });
  await send({ type: 'ReceiveStock', data: { sku: `${customerId}-sku`, quantity: 5 } });
  await appendPoisonOrderPlaced(database.pool);
  const address = { name: 'S', line1: 'L', city: 'C', postalCode: 'P', country: 'GB' };
  for (const [orderId, currency, unitPriceCents] of [
    [`${customerId}-1`, 'EUR', 100],
    [`${customerId}-2`, 'GBP', 250],
    [`${customerId}-3`, 'EUR', 50],
  ] as const)
    await send({
      type: 'PlaceOrder',
      data: {
        orderId,
        customerId,
        lines: [{ sku: `${customerId}-sku`, quantity: 1, unitPriceCents }],
        paymentMethod: 'pm_card_ok',
        shippingAddress: address,
        currency,
      },
    });
  const projection = runProjection(database.pool, customersProjection);
  await projection.catchUp();
  // Applied twice (a retried batch, a rebuild racing the runner): still one row per order.
  await saveCheckpoint(database.pool, customersProjection.subscriptionId, logStart);
  await projection.catchUp();
  expect(await getCustomerSpending(database.pool, customerId)).toEqual([
    { currency: 'EUR', orders: 2, totalCents: '150' },
    { currency: 'GBP', orders: 1, totalCents: '250' },
  ]);
});
