import type { Decider } from './decider';
import { bulkDecider, type BulkCommand, type BulkEvent } from './bulk/bulk';
import { customerDecider, type CustomerCommand, type CustomerEvent } from './customer/customer';
import { inventoryDecider, type InventoryCommand, type InventoryEvent } from './inventory/inventory';
import { orderDecider, type OrderCommand, type OrderEvent } from './order/order';
import { paymentDecider, type PaymentCommand, type PaymentEvent } from './payment/payment';
import { shipmentDecider, type ShipmentCommand, type ShipmentEvent } from './shipment/shipment';

export type DomainCommand =
  CustomerCommand | InventoryCommand | PaymentCommand | ShipmentCommand | OrderCommand | BulkCommand;
export type DomainEvent =
  CustomerEvent | InventoryEvent | PaymentEvent | ShipmentEvent | OrderEvent | BulkEvent;
export type CommandType = DomainCommand['type'];
export type EventType = DomainEvent['type'];

export type CommandOfType<Type extends CommandType> = Extract<DomainCommand, { type: Type }>;
/** Each command type's data, as a map: indexing it lets TypeScript follow a type to its data. */
export type CommandDataMap = { [Command in DomainCommand as Command['type']]: Command['data'] };
export type CommandData<Type extends CommandType> = CommandDataMap[Type];

/**
 * Any aggregate's decider with its types erased, for code (the command handler, stream playback) that
 * routes by name and so cannot know statically which aggregate it holds.
 */
export type AnyDecider = Decider<DomainCommand, DomainEvent, unknown>;

export const deciders = {
  customer: customerDecider,
  inventory: inventoryDecider,
  payment: paymentDecider,
  shipment: shipmentDecider,
  order: orderDecider,
  bulk: bulkDecider,
} as const;
export type StreamType = keyof typeof deciders;

export interface CommandRoute<Type extends CommandType> {
  decider: AnyDecider;
  streamId(data: CommandData<Type>): string;
}

/** Keyed by every command type, so adding a command without a route fails to compile. */
export const commandRoutes: { [Type in CommandType]: CommandRoute<Type> } = {
  RegisterCustomer: { decider: customerDecider, streamId: (data) => `customer-${data.customerId}` },
  DisableCustomer: { decider: customerDecider, streamId: (data) => `customer-${data.customerId}` },
  EnableCustomer: { decider: customerDecider, streamId: (data) => `customer-${data.customerId}` },

  ReceiveStock: { decider: inventoryDecider, streamId: (data) => `inventory-${data.sku}` },
  ReserveStock: { decider: inventoryDecider, streamId: (data) => `inventory-${data.sku}` },
  ReleaseStock: { decider: inventoryDecider, streamId: (data) => `inventory-${data.sku}` },

  AuthorizePayment: { decider: paymentDecider, streamId: (data) => `payment-${data.orderId}` },
  CapturePayment: { decider: paymentDecider, streamId: (data) => `payment-${data.orderId}` },
  VoidPayment: { decider: paymentDecider, streamId: (data) => `payment-${data.orderId}` },
  RefundPayment: { decider: paymentDecider, streamId: (data) => `payment-${data.orderId}` },

  ScheduleShipment: { decider: shipmentDecider, streamId: (data) => `shipment-${data.orderId}` },
  DispatchShipment: { decider: shipmentDecider, streamId: (data) => `shipment-${data.orderId}` },
  CancelShipment: { decider: shipmentDecider, streamId: (data) => `shipment-${data.orderId}` },

  PlaceOrder: { decider: orderDecider, streamId: (data) => `order-${data.orderId}` },
  ConfirmOrder: { decider: orderDecider, streamId: (data) => `order-${data.orderId}` },
  CancelOrder: { decider: orderDecider, streamId: (data) => `order-${data.orderId}` },

  RequestDisableAllCustomers: { decider: bulkDecider, streamId: (data) => `bulk-${data.bulkId}` },
  CompleteBulkOperation: { decider: bulkDecider, streamId: (data) => `bulk-${data.bulkId}` },
  CancelBulkOperation: { decider: bulkDecider, streamId: (data) => `bulk-${data.bulkId}` },
};

// Generic over the type so TypeScript keeps a command's type and data correlated, which it cannot do
// through the DomainCommand union directly.
function routeStreamId<Type extends CommandType>(command: { type: Type; data: CommandData<Type> }): string {
  return commandRoutes[command.type].streamId(command.data);
}

export function streamIdFor(command: DomainCommand): string {
  return routeStreamId(command);
}

export function deciderFor(command: DomainCommand): AnyDecider {
  return commandRoutes[command.type].decider;
}

/** The decider for a stream named `<streamType>-<id>`; ids may themselves contain '-'. */
export function deciderForStream(streamId: string): AnyDecider | undefined {
  const separator = streamId.indexOf('-');
  if (separator <= 0) return undefined;
  const streamType = streamId.slice(0, separator);
  return isStreamType(streamType) ? deciders[streamType] : undefined;
}

// Own properties only, so names such as `constructor` or `toString` are not mistaken for routes.
export function isStreamType(type: string): type is StreamType {
  return Object.hasOwn(deciders, type);
}

export function isCommandType(type: string): type is CommandType {
  return Object.hasOwn(commandRoutes, type);
}
