import { defineAggregate, irreversible, notFound, rejectBecause } from '../../engine/aggregate';
import type { Message } from '../../engine/aggregate';

export interface ShippingAddress {
  name: string;
  line1: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

/** The country no carrier serves: a reserved ISO code, so tests can force the shipping failure path. */
export const unservedCountry = 'XX';

export type ScheduleShipment = Message<'ScheduleShipment', { orderId: string; address: ShippingAddress }>;
export type DispatchShipment = Message<'DispatchShipment', { orderId: string }>;
export type CancelShipment = Message<'CancelShipment', { orderId: string }>;
export type ShipmentCommand = ScheduleShipment | DispatchShipment | CancelShipment;

export type ShipmentScheduled = Message<'ShipmentScheduled', { orderId: string; address: ShippingAddress }>;
export type ShipmentDispatched = Message<'ShipmentDispatched', { orderId: string }>;
export type ShipmentCancelled = Message<'ShipmentCancelled', { orderId: string }>;
export type ShipmentEvent = ShipmentScheduled | ShipmentDispatched | ShipmentCancelled;

export interface ShipmentState {
  status: 'none' | 'scheduled' | 'dispatched' | 'cancelled';
  orderId: string;
  address?: ShippingAddress;
}

const initialState: ShipmentState = { status: 'none', orderId: '' };

function copyAddress({ name, line1, city, postalCode, country }: ShippingAddress): ShippingAddress {
  return { name, line1, city, postalCode, country };
}

export const shipmentAggregate = defineAggregate<ShipmentCommand, ShipmentEvent, ShipmentState>({
  streamType: 'shipment',
  commandTypes: { ScheduleShipment: true, DispatchShipment: true, CancelShipment: true },
  idOf: (data) => data.orderId,
  initialState,
  reversals: {
    ShipmentScheduled: ({ data }) => [{ type: 'CancelShipment', data: { orderId: data.orderId } }],
    ShipmentDispatched: irreversible('the parcel has left the warehouse'),
    ShipmentCancelled: irreversible('a cancelled shipment is not scheduled again; the order is placed anew'),
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ShipmentScheduled':
        return { status: 'scheduled', orderId: event.data.orderId, address: event.data.address };
      case 'ShipmentDispatched':
        return { ...state, status: 'dispatched' };
      case 'ShipmentCancelled':
        return { ...state, status: 'cancelled' };
    }
  },

  decide(command, state) {
    const { orderId } = command.data;
    switch (command.type) {
      case 'ScheduleShipment':
        switch (state.status) {
          case 'cancelled':
            return rejectBecause('ShipmentCancelled', `Shipment for order ${orderId} was cancelled`, {
              orderId,
            });
          // Dispatch comes after scheduling, so a late retry of the schedule has nothing left to do.
          case 'scheduled':
          case 'dispatched':
            return [];
          case 'none': {
            const { country } = command.data.address;
            if (country === unservedCountry) {
              rejectBecause('ShippingUnavailable', `No carrier ships to ${country}`, { country });
            }
            return [
              { type: 'ShipmentScheduled', data: { orderId, address: copyAddress(command.data.address) } },
            ];
          }
        }
        break;

      case 'DispatchShipment':
        switch (state.status) {
          case 'none':
            return notFound('Shipment', orderId);
          case 'cancelled':
            return rejectBecause('ShipmentCancelled', `Shipment for order ${orderId} was cancelled`, {
              orderId,
            });
          case 'dispatched':
            return [];
          case 'scheduled':
            return [{ type: 'ShipmentDispatched', data: { orderId } }];
        }
        break;

      case 'CancelShipment':
        switch (state.status) {
          // Compensation may run before anything was scheduled, and may run twice.
          case 'none':
          case 'cancelled':
            return [];
          case 'dispatched':
            return rejectBecause(
              'ShipmentAlreadyDispatched',
              `Shipment for order ${orderId} left the warehouse`,
              {
                orderId,
              },
            );
          case 'scheduled':
            return [{ type: 'ShipmentCancelled', data: { orderId } }];
        }
        break;
    }
  },
});
