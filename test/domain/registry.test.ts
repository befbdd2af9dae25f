import { bulkTaskAggregate } from '../../engine/bulk/bulkTaskAggregate';
import {
  customerAggregate,
  type CustomerCommand,
  type CustomerEvent,
  type CustomerState,
} from '../../domain/customer/customer';
import { inventoryAggregate } from '../../domain/inventory/inventory';
import { orderAggregate } from '../../domain/order/order';
import { paymentAggregate } from '../../domain/payment/payment';
import { shipmentAggregate } from '../../domain/shipment/shipment';
import { shop, type CommandType, type DomainCommand } from '../../domain/registry';
import { defineAggregate } from '../../engine/aggregate/aggregate';
import { createRegistry } from '../../engine/aggregate/registry';

const address = { name: 'A', line1: 'L', city: 'C', postalCode: 'P', country: 'GB' };
const counts = { total: 0, changed: 0, unchanged: 0, failed: 0 };

// One command of each of the shop's types today (an aggregate added later routes the same way).
const samples: Partial<{ [Type in CommandType]: Extract<DomainCommand, { type: Type }>['data'] }> = {
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
  RequestBulkTask: { bulkId: 'b-1', task: 'disable-all-customers', params: { reason: 'r' } },
  CompleteBulkTask: { bulkId: 'b-1', counts, failures: [] },
  CancelBulkTask: { bulkId: 'b-1', counts },
  FailBulkTask: { bulkId: 'b-1', counts, failures: [], reason: 'r' },
};
const commands = Object.entries(samples).map(([type, data]) => ({ type, data }) as DomainCommand);

const expectedStreams: Partial<Record<CommandType, string>> = {
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
  RequestBulkTask: 'bulk-b-1',
  CompleteBulkTask: 'bulk-b-1',
  CancelBulkTask: 'bulk-b-1',
  FailBulkTask: 'bulk-b-1',
};

const aggregates = {
  customer: customerAggregate,
  inventory: inventoryAggregate,
  payment: paymentAggregate,
  shipment: shipmentAggregate,
  order: orderAggregate,
  bulk: bulkTaskAggregate,
};

describe('registry', () => {
  test('holds each aggregate under its stream type', () => {
    expect(shop.aggregates).toEqual(expect.arrayContaining(Object.values(aggregates)));
    for (const [streamType, aggregate] of Object.entries(aggregates)) {
      expect(aggregate.streamType).toBe(streamType);
      expect(shop.aggregateForStream(aggregate.streamId('x'))).toBe(aggregate);
    }
  });

  test.each(commands)('routes $type to its stream and aggregate', (command) => {
    const streamId = shop.streamIdFor(command);
    expect(streamId).toBe(expectedStreams[command.type]);
    expect(shop.aggregateFor(command)).toBe(shop.aggregateForStream(streamId));
    expect(shop.aggregateFor(command).streamType).toBe(streamId.slice(0, streamId.indexOf('-')));
  });

  test('routes each command type to exactly one aggregate, and nothing else', () => {
    const routed = shop.aggregates.flatMap((aggregate) => aggregate.commandTypes);
    expect(new Set(routed).size).toBe(routed.length);
    for (const type of Object.keys(samples)) expect(routed).toContain(type);
    expect(() => shop.aggregateFor({ type: 'OrderPlaced', data: {} })).toThrow(/no aggregate handles/);
  });

  test('finds a stream aggregate by the prefix before the first dash', () => {
    expect(shop.aggregateForStream('order-2f1c-44aa')).toBe(orderAggregate);
    expect(shop.aggregateForStream('customer-')).toBe(customerAggregate);
    expect(shop.aggregateForStream('unknown-1')).toBeUndefined();
    expect(shop.aggregateForStream('order')).toBeUndefined();
    expect(shop.aggregateForStream('-order')).toBeUndefined();
    expect(shop.aggregateForStream('constructor-1')).toBeUndefined();
  });

  test('recognizes command types', () => {
    expect(shop.isCommandType('PlaceOrder')).toBe(true);
    expect(shop.isCommandType('OrderPlaced')).toBe(false);
    expect(shop.isCommandType('toString')).toBe(false);
  });

  test('refuses two aggregates with one stream type or one command type', () => {
    expect(() => createRegistry([customerAggregate, customerAggregate])).toThrow(/stream type 'customer'/);
    const twin = defineAggregate<CustomerCommand, CustomerEvent, CustomerState>({
      ...customerAggregate,
      streamType: 'twin',
      commandTypes: { RegisterCustomer: true, DisableCustomer: true, EnableCustomer: true },
    });
    expect(() => createRegistry([customerAggregate, twin])).toThrow(/RegisterCustomer is handled by both/);
  });

  test('an aggregate found by command decides like the typed one', () => {
    const aggregate = shop.aggregateFor({ type: 'ReceiveStock', data: { sku: 'sku-1', quantity: 2 } });
    const events = aggregate.decide(
      { type: 'ReceiveStock', data: { sku: 'sku-1', quantity: 2 } },
      aggregate.initialState,
      { attempt: 1, now: new Date(0) },
    );
    expect(events).toEqual([{ type: 'StockReceived', data: { sku: 'sku-1', quantity: 2 } }]);
  });
});
