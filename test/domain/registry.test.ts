import {
  commandRoutes,
  deciderFor,
  deciderForStream,
  deciders,
  isCommandType,
  streamIdFor,
  type CommandType,
  type DomainCommand,
} from '../../domain/registry';

const address = { name: 'A', line1: 'L', city: 'C', postalCode: 'P', country: 'GB' };
const counts = { total: 0, disabled: 0, alreadyDisabled: 0, failed: 0 };

// One command of every type: the Record makes the compiler check it is complete.
const samples: { [Type in CommandType]: Extract<DomainCommand, { type: Type }>['data'] } = {
  RegisterCustomer: { customerId: 'c-1', name: 'A', email: 'a@example.com' },
  DisableCustomer: { customerId: 'c-1', reason: 'r' },
  EnableCustomer: { customerId: 'c-1' },
  ReceiveStock: { sku: 'sku-1', quantity: 1 },
  ReserveStock: { sku: 'sku-1', orderId: 'o-1', quantity: 1 },
  ReleaseStock: { sku: 'sku-1', orderId: 'o-1' },
  AuthorizePayment: { orderId: 'o-1', amountCents: 1, paymentMethod: 'pm_card_ok' },
  CapturePayment: { orderId: 'o-1' },
  VoidPayment: { orderId: 'o-1' },
  RefundPayment: { orderId: 'o-1' },
  ScheduleShipment: { orderId: 'o-1', address },
  DispatchShipment: { orderId: 'o-1' },
  CancelShipment: { orderId: 'o-1' },
  PlaceOrder: {
    orderId: 'o-1',
    customerId: 'c-1',
    lines: [{ sku: 'sku-1', quantity: 1, unitPriceCents: 1 }],
    paymentMethod: 'pm_card_ok',
    shippingAddress: address,
  },
  ConfirmOrder: { orderId: 'o-1' },
  CancelOrder: { orderId: 'o-1', reason: 'r' },
  RequestDisableAllCustomers: { bulkId: 'b-1', reason: 'r' },
  CompleteBulkOperation: { bulkId: 'b-1', counts, failures: [] },
  CancelBulkOperation: { bulkId: 'b-1', counts },
};
const commands = Object.entries(samples).map(([type, data]) => ({ type, data }) as DomainCommand);

const expectedStreams: Record<CommandType, string> = {
  RegisterCustomer: 'customer-c-1',
  DisableCustomer: 'customer-c-1',
  EnableCustomer: 'customer-c-1',
  ReceiveStock: 'inventory-sku-1',
  ReserveStock: 'inventory-sku-1',
  ReleaseStock: 'inventory-sku-1',
  AuthorizePayment: 'payment-o-1',
  CapturePayment: 'payment-o-1',
  VoidPayment: 'payment-o-1',
  RefundPayment: 'payment-o-1',
  ScheduleShipment: 'shipment-o-1',
  DispatchShipment: 'shipment-o-1',
  CancelShipment: 'shipment-o-1',
  PlaceOrder: 'order-o-1',
  ConfirmOrder: 'order-o-1',
  CancelOrder: 'order-o-1',
  RequestDisableAllCustomers: 'bulk-b-1',
  CompleteBulkOperation: 'bulk-b-1',
  CancelBulkOperation: 'bulk-b-1',
};

describe('registry', () => {
  test('keys each decider by its stream type', () => {
    for (const [streamType, decider] of Object.entries(deciders)) {
      expect(decider.streamType).toBe(streamType);
    }
    expect(Object.keys(deciders).sort()).toEqual([
      'bulk',
      'customer',
      'inventory',
      'order',
      'payment',
      'shipment',
    ]);
  });

  test.each(commands)('routes $type to its stream and decider', (command) => {
    const streamId = streamIdFor(command);
    expect(streamId).toBe(expectedStreams[command.type]);
    expect(commandRoutes[command.type].streamId(command.data as never)).toBe(streamId);
    expect(deciderFor(command)).toBe(deciderForStream(streamId));
    expect(deciderFor(command).streamType).toBe(streamId.slice(0, streamId.indexOf('-')));
  });

  test('routes every command type and nothing else', () => {
    expect(Object.keys(commandRoutes).sort()).toEqual(Object.keys(samples).sort());
  });

  test('finds a stream decider by the prefix before the first dash', () => {
    expect(deciderForStream('order-2f1c-44aa')).toBe(deciders.order);
    expect(deciderForStream('customer-')).toBe(deciders.customer);
    expect(deciderForStream('unknown-1')).toBeUndefined();
    expect(deciderForStream('order')).toBeUndefined();
    expect(deciderForStream('-order')).toBeUndefined();
    expect(deciderForStream('constructor-1')).toBeUndefined();
  });

  test('recognizes command types', () => {
    expect(isCommandType('PlaceOrder')).toBe(true);
    expect(isCommandType('OrderPlaced')).toBe(false);
    expect(isCommandType('toString')).toBe(false);
  });

  test('a decider found by name decides like the typed one', () => {
    const decider = deciderFor({ type: 'ReceiveStock', data: { sku: 'sku-1', quantity: 2 } });
    const events = decider.decide(
      { type: 'ReceiveStock', data: { sku: 'sku-1', quantity: 2 } },
      decider.initialState,
      { attempt: 1, now: new Date(0) },
    );
    expect(events).toEqual([{ type: 'StockReceived', data: { sku: 'sku-1', quantity: 2 } }]);
  });
});
