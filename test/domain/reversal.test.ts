import {
  customerAggregate,
  type CustomerCommand,
  type CustomerEvent,
  type CustomerState,
} from '../../domain/customer/customer';
import { groupAggregate } from '../../domain/group/group';
import { availability, inventoryAggregate } from '../../domain/inventory/inventory';
import { orderAggregate } from '../../domain/order/order';
import { paymentAggregate } from '../../domain/payment/payment';
import { shipmentAggregate } from '../../domain/shipment/shipment';
import {
  defineAggregate,
  fold,
  irreversible,
  planRevert,
  type Aggregate,
  type Message,
  type Reversals,
} from '../../engine/aggregate';

// Reversible events: each aggregate that declares reversals says, per event type, which commands undo it
// or why nothing can; planRevert turns a stream's tail into those commands, newest first.
const context = { attempt: 1, now: new Date('2026-12-07T00:00:00Z') };
const versioned = <E>(events: E[]) => events.map((event, index) => ({ ...event, streamVersion: index + 1 }));

/** Decides each command on the state the previous ones left: what sending them in order would do. */
function apply<C extends Message, E extends Message, S>(
  aggregate: Aggregate<C, E, S>,
  state: S,
  commands: C[],
): S {
  return commands.reduce(
    (current, command) =>
      fold({ ...aggregate, initialState: current }, aggregate.decide(command, current, context)),
    state,
  );
}

const customerHistory: CustomerEvent[] = [
  { type: 'CustomerRegistered', data: { customerId: 'c1', name: 'Ada', email: 'ada@example.com' } },
  { type: 'CustomerDisabled', data: { customerId: 'c1', reason: 'fraud' } },
  { type: 'CustomerEnabled', data: { customerId: 'c1', reason: 'cleared' } },
  { type: 'CustomerDisabled', data: { customerId: 'c1', reason: 'audit' } },
];

test('a customer taken back to version 2: newest first, and the state is version 2 again', () => {
  const plan = planRevert(customerAggregate, versioned(customerHistory), 2);
  if (!plan.reversible) throw new Error(plan.reason);
  expect(plan.steps).toEqual([
    {
      version: 4,
      eventType: 'CustomerDisabled',
      commands: [
        { type: 'EnableCustomer', data: { customerId: 'c1', reason: 'reverted', ifDisabledFor: 'audit' } },
      ],
    },
    {
      version: 3,
      eventType: 'CustomerEnabled',
      commands: [{ type: 'DisableCustomer', data: { customerId: 'c1', reason: 'fraud' } }],
    },
  ]);
  const now = fold(customerAggregate, customerHistory);
  const reverted = apply(
    customerAggregate,
    now,
    plan.steps.flatMap((step) => step.commands),
  );
  expect(reverted).toEqual(fold(customerAggregate, customerHistory.slice(0, 2)));
});

test('a revert past an irreversible event is refused with its reason, and plans nothing', () => {
  expect(planRevert(customerAggregate, versioned(customerHistory), 0)).toEqual({
    reversible: false,
    version: 1,
    eventType: 'CustomerRegistered',
    reason: expect.stringMatching(/disable the customer instead/),
  });
  // Nothing after the version: nothing to do.
  expect(planRevert(customerAggregate, versioned(customerHistory), 4)).toEqual({
    reversible: true,
    steps: [],
  });
});

test('an aggregate that declares no reversals cannot be reverted, and says so', () => {
  const created = versioned([{ type: 'GroupCreated' as const, data: { groupId: 'g1', name: 'G' } }]);
  expect(planRevert(groupAggregate, created, 0)).toMatchObject({
    reversible: false,
    reason: 'the group aggregate declares no reversals',
  });
});

test("the shop's order, payment and shipment reversals are commands their deciders accept", () => {
  const address = { name: 'A', line1: 'L', city: 'C', postalCode: 'P', country: 'GB' };
  const placed = versioned([
    {
      type: 'OrderPlaced' as const,
      data: {
        orderId: 'o1',
        customerId: 'c1',
        lines: [{ sku: 's', quantity: 1, unitPriceCents: 100 }],
        paymentMethod: 'pm_card_ok',
        shippingAddress: { ...address, region: null },
        currency: 'EUR' as const,
        totalCents: 100,
      },
    },
  ]);
  const order = planRevert(orderAggregate, placed, 0);
  if (!order.reversible) throw new Error(order.reason);
  expect(apply(orderAggregate, fold(orderAggregate, placed), order.steps[0]!.commands).status).toBe(
    'cancelled',
  );
  const confirmed = versioned([...placed, { type: 'OrderConfirmed' as const, data: { orderId: 'o1' } }]);
  expect(planRevert(orderAggregate, confirmed, 1)).toMatchObject({ reversible: false, reason: /refund/ });

  const authorized = versioned([
    {
      type: 'PaymentAuthorized' as const,
      data: { orderId: 'o1', amountCents: 100, paymentMethod: 'pm_card_ok' },
    },
  ]);
  const payment = planRevert(paymentAggregate, authorized, 0);
  if (!payment.reversible) throw new Error(payment.reason);
  expect(apply(paymentAggregate, fold(paymentAggregate, authorized), payment.steps[0]!.commands).status).toBe(
    'voided',
  );
  const captured = versioned([
    ...authorized,
    { type: 'PaymentCaptured' as const, data: { orderId: 'o1', amountCents: 100 } },
  ]);
  expect(planRevert(paymentAggregate, captured, 1)).toMatchObject({ reversible: false, reason: /refund/ });

  const scheduled = versioned([{ type: 'ShipmentScheduled' as const, data: { orderId: 'o1', address } }]);
  const shipment = planRevert(shipmentAggregate, scheduled, 0);
  if (!shipment.reversible) throw new Error(shipment.reason);
  expect(
    apply(shipmentAggregate, fold(shipmentAggregate, scheduled), shipment.steps[0]!.commands).status,
  ).toBe('cancelled');
});

test('a reversal entry that is neither a function nor a reasoned irreversible is refused at definition', () => {
  const definition = {
    ...customerAggregate,
    commandTypes: { RegisterCustomer: true, DisableCustomer: true, EnableCustomer: true },
  } as const;
  const bad = { ...customerAggregate.reversals, CustomerEnabled: 42 } as unknown as Reversals<
    CustomerCommand,
    CustomerEvent,
    CustomerState
  >;
  expect(() => defineAggregate({ ...definition, reversals: bad })).toThrow(
    /customer: the reversal of CustomerEnabled must be a function/,
  );
  expect(() => irreversible('  ')).toThrow(/needs its reason/);
});

test('a declaration that leaves out an event type does not compile', () => {
  const missing = {
    CustomerRegistered: irreversible('r'),
    CustomerDisabled: () => [],
  };
  // @ts-expect-error — CustomerEnabled has no entry
  const reversals: Reversals<CustomerCommand, CustomerEvent, CustomerState> = missing;
  expect(Object.keys(reversals)).not.toContain('CustomerEnabled');
});

test('stock: a receipt is reverted by a correction, a reservation by a release; a shipment cannot be', () => {
  const history = versioned([
    { type: 'StockReceived' as const, data: { sku: 's1', quantity: 5 } },
    { type: 'StockReserved' as const, data: { sku: 's1', orderId: 'o1', quantity: 2 } },
  ]);
  const plan = planRevert(inventoryAggregate, history, 0);
  if (!plan.reversible) throw new Error(plan.reason);
  expect(plan.steps.flatMap((step) => step.commands)).toEqual([
    { type: 'ReleaseStock', data: { sku: 's1', orderId: 'o1' } },
    { type: 'CorrectStock', data: { sku: 's1', quantity: -5, reason: 'receipt reverted' } },
  ]);
  const reverted = apply(
    inventoryAggregate,
    fold(inventoryAggregate, history),
    plan.steps.flatMap((step) => step.commands),
  );
  expect(availability(reverted)).toEqual({ sku: 's1', onHand: 0, reserved: 0, available: 0 });

  // In the other order the correction would take units an order holds: the decider refuses it.
  expect(() =>
    apply(inventoryAggregate, fold(inventoryAggregate, history), [
      { type: 'CorrectStock', data: { sku: 's1', quantity: -5, reason: 'recount' } },
    ]),
  ).toThrow(/5 on hand, 2 reserved: removing 5 would leave orders short/);

  const shipped = versioned([
    ...history,
    { type: 'StockShipped' as const, data: { sku: 's1', orderId: 'o1', quantity: 2 } },
  ]);
  expect(planRevert(inventoryAggregate, shipped, 2)).toMatchObject({
    reversible: false,
    eventType: 'StockShipped',
  });
});
