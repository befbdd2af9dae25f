import { fold } from '../../engine/aggregate/decider';
import { customerAggregate, type CustomerEvent } from '../../domain/customer/customer';
import type { DomainCommand } from '../../domain/registry';
import { loadCheckpoint } from '../../engine/eventstore/checkpoints';
import { handleCommand } from '../../engine/eventstore/commandHandler';
import {
  applyCustomerEvents,
  customersProjection,
  customersProjectionId,
  resetCustomersReadModel,
} from '../../projections/customers/customersProjection';
import {
  countCustomersAsOf,
  customersReadModelPosition,
  getCustomerView,
  pageCustomerIdsAsOf,
} from '../../projections/customers/customersReadModel';
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
  const projection = customersProjection(database.pool);
  let processed = 0;
  await waitFor(
    'the projection to reach the end of the log',
    async () => ((processed += await projection.catchUp()), await customersReadModelPosition(database.pool)),
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
  expect(await customersReadModelPosition(database.pool)).toEqual(await logEnd());
  // Caught up: another pass finds nothing to do.
  expect(await customersProjection(database.pool).catchUp()).toBe(0);
});

test('rows and checkpoint move together: a failed batch changes neither', async () => {
  const before = await customerRows();
  const checkpointBefore = await loadCheckpoint(database.pool, customersProjectionId);
  await register('c-14');
  await run({ type: 'DisableCustomer', data: { customerId: 'c-02', reason: 'late' } });

  const failing = new LogSubscription(database.pool, {
    subscriptionId: customersProjectionId,
    transactional: true,
    handleBatch: async (events, client) => {
      await applyCustomerEvents(client!, events);
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
  expect(await loadCheckpoint(database.pool, customersProjectionId)).toEqual(checkpointBefore);

  expect(await catchUpFully()).toBe(2);
  expect(await customerRows()).toEqual(await expectedRows([...firstCustomers, 'c-14']));
  expect(await getCustomerView(database.pool, 'c-02')).toMatchObject({ status: 'disabled', version: 2 });
  asOfFirst = await customersReadModelPosition(database.pool);
});

test('a reset rebuilds the identical table from position 0', async () => {
  const built = await customerRows();
  expect(built).toHaveLength(7);

  await resetCustomersReadModel(database.pool);
  expect(await customerRows()).toEqual([]);
  expect(await customersReadModelPosition(database.pool)).toEqual(logStart);

  expect(await catchUpFully()).toBe(6 + 4 + 2);
  expect(await customerRows()).toEqual(built);
});

test('paging the customers as of a position excludes later registrations, each id once, in order', async () => {
  for (const customerId of laterCustomers) await register(customerId);
  await catchUpFully();
  const now = await customersReadModelPosition(database.pool);
  expect(await countCustomersAsOf(database.pool, now)).toBe(12);

  async function pageAll(asOf: LogPosition, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    for (let after: string | null = null; ;) {
      const page = await pageCustomerIdsAsOf(database.pool, asOf, after, limit);
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
  expect(await countCustomersAsOf(database.pool, asOfFirst)).toBe(firstSet.length);

  const everyone = [...firstSet, ...laterCustomers].sort();
  expect((await pageAll(now, 5)).flat()).toEqual(everyone);

  // Exactly at a registration's position includes it; just before excludes it.
  const c13 = (await readStream(database.pool, 'customer-c-13'))[0]!;
  const atC13 = positionOf(c13);
  const beforeC13 = { ...atC13, globalPosition: String(BigInt(atC13.globalPosition) - 1n) };
  expect((await pageAll(atC13, 100)).flat()).toContain('c-13');
  expect((await pageAll(beforeC13, 100)).flat()).not.toContain('c-13');
  expect(await countCustomersAsOf(database.pool, atC13)).toBe(
    (await countCustomersAsOf(database.pool, beforeC13)) + 1,
  );
});
