import { shopEventSchemas } from '../../domain/upcasters';
import type { UpcasterTable } from '../../engine/eventstore/upcasting';
import type { StoredEvent } from '../../engine/eventstore/types';
import { upcast } from '../../engine/eventstore/upcasting';
import { checkEventSchemas } from '../../engine/aggregate/eventSchemas';

// A test-local history of one event's shape: v1 had `name`, v2 split it, v3 added a default country.
interface V1 {
  name: string;
}
interface V2 {
  firstName: string;
  lastName: string;
}
const table: UpcasterTable = {
  PersonRegistered: {
    1: (data) => {
      const [firstName = '', lastName = ''] = (data as V1).name.split(' ');
      return { firstName, lastName };
    },
    2: (data) => ({ ...(data as V2), country: 'NL' }),
  },
};

function stored(type: string, schemaVersion: number, data: unknown): StoredEvent {
  return {
    globalPosition: '1',
    transactionId: '1',
    eventId: '00000000-0000-0000-0000-000000000001',
    streamId: 'person-1',
    streamVersion: 1,
    type,
    schemaVersion,
    data,
    metadata: {
      eventId: '00000000-0000-0000-0000-000000000001',
      commandId: 'command-1',
      commandType: 'RegisterPerson',
      correlationId: 'correlation-1',
      causationId: 'causation-1',
      actor: 'test',
    },
    recordedAt: new Date('2024-11-22T10:00:00Z'),
  };
}

test('a v1 event is lifted through v2 to v3', () => {
  const original = stored('PersonRegistered', 1, { name: 'Ada Lovelace' });
  const lifted = upcast(original, table);
  expect(lifted).toEqual({
    ...original,
    schemaVersion: 3,
    data: { firstName: 'Ada', lastName: 'Lovelace', country: 'NL' },
    storedAs: { type: 'PersonRegistered', schemaVersion: 1 },
  });
  // The stored event itself is not rewritten.
  expect(original.data).toEqual({ name: 'Ada Lovelace' });
  expect(original.schemaVersion).toBe(1);
});

test('a v2 event takes only the remaining step', () => {
  const lifted = upcast(stored('PersonRegistered', 2, { firstName: 'Grace', lastName: 'Hopper' }), table);
  expect(lifted.schemaVersion).toBe(3);
  expect(lifted.data).toEqual({ firstName: 'Grace', lastName: 'Hopper', country: 'NL' });
});

test('an event already at the newest version is returned unchanged', () => {
  const current = stored('PersonRegistered', 3, { firstName: 'Alan', lastName: 'Turing', country: 'UK' });
  expect(upcast(current, table)).toBe(current);
});

test('an event type without upcasters is returned unchanged', () => {
  const unknown = stored('SomethingElse', 1, { name: 'Ada Lovelace' });
  expect(upcast(unknown, table)).toBe(unknown);
});

test("a renamed type reads as the new one, through the old type's upcasters first and the new one's after", () => {
  const renamed = {
    PersonSignedUp: (data: unknown) => ({
      type: 'PersonRegistered',
      data: { name: (data as { fullName: string }).fullName },
    }),
  };
  const legacy = { PersonSignedUp: { 1: (data: unknown) => ({ fullName: (data as { n: string }).n }) } };
  const old = stored('PersonSignedUp', 1, { n: 'Ada Lovelace' });
  expect(upcast(old, { ...table, ...legacy }, renamed)).toEqual({
    ...old,
    type: 'PersonRegistered',
    schemaVersion: 3,
    data: { firstName: 'Ada', lastName: 'Lovelace', country: 'NL' },
    storedAs: { type: 'PersonSignedUp', schemaVersion: 1 },
  });
  // Own properties only: an event type named like an Object.prototype member is left alone.
  const odd = stored('constructor', 1, { x: 1 });
  expect(upcast(odd, table, renamed)).toBe(odd);
});

test('the shop reads its pre-engine bulk events as bulk-task events', () => {
  const completed = stored('BulkOperationCompleted', 1, {
    bulkId: 'b-1',
    counts: { total: 3, disabled: 1, alreadyDisabled: 1, failed: 1 },
    failures: [{ customerId: 'c-3', reason: 'CustomerNotFound' }],
  });
  expect(upcast(completed, shopEventSchemas.upcasters, shopEventSchemas.renamed)).toMatchObject({
    type: 'BulkTaskCompleted',
    data: {
      bulkId: 'b-1',
      counts: { total: 3, changed: 1, unchanged: 1, failed: 1 },
      failures: [{ itemId: 'c-3', reason: 'CustomerNotFound' }],
    },
  });
});

test('the shop reads a v1 OrderPlaced as v2: priced in EUR, no region, and says how it was stored', () => {
  const v1 = {
    orderId: 'o-1',
    customerId: 'c-1',
    lines: [{ sku: 's', quantity: 1, unitPriceCents: 100 }],
    paymentMethod: 'pm_card_ok',
    shippingAddress: { name: 'A', line1: 'L', city: 'London', postalCode: 'N1', country: 'GB' },
    totalCents: 100,
  };
  const lifted = upcast(stored('OrderPlaced', 1, v1), shopEventSchemas.upcasters, shopEventSchemas.renamed);
  expect(lifted).toMatchObject({
    schemaVersion: 2,
    data: { ...v1, currency: 'EUR', shippingAddress: { ...v1.shippingAddress, region: null } },
    storedAs: { type: 'OrderPlaced', schemaVersion: 1 },
  });
  const v2 = stored('OrderPlaced', 2, {
    ...v1,
    currency: 'GBP',
    shippingAddress: { ...v1.shippingAddress, region: 'X' },
  });
  expect(upcast(v2, shopEventSchemas.upcasters, shopEventSchemas.renamed)).toBe(v2);
});

test("every shop upcaster chain reaches its type's current version", () => {
  expect(() => checkEventSchemas(shopEventSchemas)).not.toThrow();
  expect(() => checkEventSchemas({ upcasters: {}, currentVersions: { OrderPlaced: 2 } })).toThrow(
    /OrderPlaced is written at schema version 2, but no upcaster lifts version 1/,
  );
  expect(() =>
    checkEventSchemas({
      upcasters: { OrderPlaced: { 1: (d) => d, 2: (d) => d } },
      currentVersions: { OrderPlaced: 2 },
    }),
  ).toThrow(/lifts OrderPlaced from version 2, past the version it is written at \(2\)/);
});

test('an event at version 1 with no upcasters passes through unchanged', () => {
  const event = stored('CustomerRegistered', 1, { customerId: 'c-1', name: 'Ada', email: 'a@example.test' });
  expect(upcast(event)).toBe(event);
});
