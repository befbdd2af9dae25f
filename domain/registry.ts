import { createRegistry, type RegistryCommand, type RegistryEvent } from '../engine/aggregate';
import { bulkTaskAggregate } from '../engine/bulk';
import { channelAggregate } from './channel/channel';
import { customerAggregate } from './customer/customer';
import { groupAggregate } from './group/group';
import { inventoryAggregate } from './inventory/inventory';
import { orderAggregate } from './order/order';
import { paymentAggregate } from './payment/payment';
import { shipmentAggregate } from './shipment/shipment';

/** The shop's aggregates, and the engine's bulk-task requests: adding one is its file plus an entry here. */
export const shop = createRegistry([
  customerAggregate,
  inventoryAggregate,
  paymentAggregate,
  shipmentAggregate,
  orderAggregate,
  bulkTaskAggregate,
  groupAggregate,
  channelAggregate,
]);

export type DomainCommand = RegistryCommand<typeof shop>;
export type DomainEvent = RegistryEvent<typeof shop>;
export type CommandType = DomainCommand['type'];
export type EventType = DomainEvent['type'];
export type CommandOfType<Type extends CommandType> = Extract<DomainCommand, { type: Type }>;
