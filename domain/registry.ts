import { createRegistry, type RegistryCommand, type RegistryEvent } from '../engine/aggregate/registry';
import { bulkAggregate } from './bulk/bulk';
import { customerAggregate } from './customer/customer';
import { inventoryAggregate } from './inventory/inventory';
import { orderAggregate } from './order/order';
import { paymentAggregate } from './payment/payment';
import { shipmentAggregate } from './shipment/shipment';

/** The shop's aggregates: adding one is its file plus an entry here. */
export const shop = createRegistry([
  customerAggregate,
  inventoryAggregate,
  paymentAggregate,
  shipmentAggregate,
  orderAggregate,
  bulkAggregate,
]);

export type DomainCommand = RegistryCommand<typeof shop>;
export type DomainEvent = RegistryEvent<typeof shop>;
export type CommandType = DomainCommand['type'];
export type EventType = DomainEvent['type'];
export type CommandOfType<Type extends CommandType> = Extract<DomainCommand, { type: Type }>;
