import { shipmentAggregate, type ShipmentEvent, type ShippingAddress } from '../../domain/shipment/shipment';
import { specFor } from '../../engine/testing/givenWhenThen';

const spec = specFor(shipmentAggregate);
const address: ShippingAddress = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};
const scheduled: ShipmentEvent = { type: 'ShipmentScheduled', data: { orderId: 'o1', address } };
const dispatched: ShipmentEvent = { type: 'ShipmentDispatched', data: { orderId: 'o1' } };
const cancelled: ShipmentEvent = { type: 'ShipmentCancelled', data: { orderId: 'o1' } };

describe('shipment', () => {
  test('uses the shipment stream type', () => {
    expect(shipmentAggregate.streamType).toBe('shipment');
  });

  describe('ScheduleShipment', () => {
    test('schedules a shipment to the address', () => {
      const state = spec
        .given([])
        .when({ type: 'ScheduleShipment', data: { orderId: 'o1', address } })
        .then([scheduled]);
      expect(state).toEqual({ status: 'scheduled', orderId: 'o1', address });
    });

    test('rejects a country no carrier serves, naming it', () => {
      spec
        .given([])
        .when({ type: 'ScheduleShipment', data: { orderId: 'o1', address: { ...address, country: 'XX' } } })
        .thenRejects({ kind: 'business', code: 'ShippingUnavailable', details: { country: 'XX' } });
    });

    test.each([
      ['scheduled', [scheduled]],
      ['dispatched', [scheduled, dispatched]],
    ])('is a no-op when already %s', (_status, history) => {
      spec
        .given(history)
        .when({ type: 'ScheduleShipment', data: { orderId: 'o1', address } })
        .then([]);
    });

    test('rejects a cancelled shipment', () => {
      spec
        .given([scheduled, cancelled])
        .when({ type: 'ScheduleShipment', data: { orderId: 'o1', address } })
        .thenRejects({ kind: 'business', code: 'ShipmentCancelled' });
    });
  });

  describe('DispatchShipment', () => {
    test('dispatches a scheduled shipment', () => {
      const state = spec
        .given([scheduled])
        .when({ type: 'DispatchShipment', data: { orderId: 'o1' } })
        .then([dispatched]);
      expect(state.status).toBe('dispatched');
    });

    test('rejects an unknown shipment as not found', () => {
      spec
        .given([])
        .when({ type: 'DispatchShipment', data: { orderId: 'o1' } })
        .thenRejects({ kind: 'notFound', code: 'ShipmentNotFound', details: { id: 'o1' } });
    });

    test('rejects a cancelled shipment', () => {
      spec
        .given([scheduled, cancelled])
        .when({ type: 'DispatchShipment', data: { orderId: 'o1' } })
        .thenRejects({ kind: 'business', code: 'ShipmentCancelled' });
    });

    test('is a no-op when already dispatched', () => {
      spec
        .given([scheduled, dispatched])
        .when({ type: 'DispatchShipment', data: { orderId: 'o1' } })
        .then([]);
    });
  });

  describe('CancelShipment', () => {
    test('cancels a scheduled shipment', () => {
      const state = spec
        .given([scheduled])
        .when({ type: 'CancelShipment', data: { orderId: 'o1' } })
        .then([cancelled]);
      expect(state.status).toBe('cancelled');
    });

    test('is a no-op when nothing was scheduled', () => {
      spec
        .given([])
        .when({ type: 'CancelShipment', data: { orderId: 'o1' } })
        .then([]);
    });

    test('is a no-op when already cancelled', () => {
      spec
        .given([scheduled, cancelled])
        .when({ type: 'CancelShipment', data: { orderId: 'o1' } })
        .then([]);
    });

    test('rejects a dispatched shipment', () => {
      spec
        .given([scheduled, dispatched])
        .when({ type: 'CancelShipment', data: { orderId: 'o1' } })
        .thenRejects({ kind: 'business', code: 'ShipmentAlreadyDispatched' });
    });
  });
});
