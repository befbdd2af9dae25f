import { fold } from '../../engine/aggregate/decider';
import { availability, inventoryAggregate, type InventoryEvent } from '../../domain/inventory/inventory';
import { specFor } from '../../engine/testing/givenWhenThen';

const spec = specFor(inventoryAggregate);
const received = (quantity: number): InventoryEvent => ({
  type: 'StockReceived',
  data: { sku: 'sku-1', quantity },
});
const reserved = (orderId: string, quantity: number): InventoryEvent => ({
  type: 'StockReserved',
  data: { sku: 'sku-1', orderId, quantity },
});
const released = (orderId: string, quantity: number): InventoryEvent => ({
  type: 'StockReleased',
  data: { sku: 'sku-1', orderId, quantity },
});

describe('inventory', () => {
  test('uses the inventory stream type', () => {
    expect(inventoryAggregate.streamType).toBe('inventory');
  });

  describe('ReceiveStock', () => {
    test('receives stock on a new stream', () => {
      const state = spec
        .given([])
        .when({ type: 'ReceiveStock', data: { sku: 'sku-1', quantity: 5 } })
        .then([received(5)]);
      expect(availability(state)).toEqual({ sku: 'sku-1', onHand: 5, reserved: 0, available: 5 });
    });

    test('adds to stock already on hand', () => {
      const state = spec
        .given([received(5), reserved('o1', 2)])
        .when({ type: 'ReceiveStock', data: { sku: 'sku-1', quantity: 3 } })
        .then([received(3)]);
      expect(availability(state)).toEqual({ sku: 'sku-1', onHand: 8, reserved: 2, available: 6 });
    });

    test.each([0, -1, 1.5, Number.NaN])('rejects quantity %p', (quantity) => {
      spec
        .given([])
        .when({ type: 'ReceiveStock', data: { sku: 'sku-1', quantity } })
        .thenRejects({ kind: 'business', code: 'InvalidQuantity' });
    });
  });

  describe('ReserveStock', () => {
    test('reserves available stock for an order', () => {
      const state = spec
        .given([received(5)])
        .when({ type: 'ReserveStock', data: { sku: 'sku-1', orderId: 'o1', quantity: 3 } })
        .then([reserved('o1', 3)]);
      expect(availability(state)).toEqual({ sku: 'sku-1', onHand: 5, reserved: 3, available: 2 });
    });

    test('may reserve exactly what is available', () => {
      const state = spec
        .given([received(5), reserved('o1', 3)])
        .when({ type: 'ReserveStock', data: { sku: 'sku-1', orderId: 'o2', quantity: 2 } })
        .then([reserved('o2', 2)]);
      expect(availability(state).available).toBe(0);
    });

    test('a second reservation by the same order adds to it', () => {
      const state = spec
        .given([received(5), reserved('o1', 2)])
        .when({ type: 'ReserveStock', data: { sku: 'sku-1', orderId: 'o1', quantity: 1 } })
        .then([reserved('o1', 1)]);
      expect(state.reservations).toEqual({ o1: 3 });
    });

    test('rejects more than is available, saying what is', () => {
      spec
        .given([received(5), reserved('o1', 3)])
        .when({ type: 'ReserveStock', data: { sku: 'sku-1', orderId: 'o2', quantity: 3 } })
        .thenRejects({
          kind: 'business',
          code: 'InsufficientStock',
          details: { sku: 'sku-1', requested: 3, available: 2 },
        });
    });

    test('an unknown sku has nothing available', () => {
      spec
        .given([])
        .when({ type: 'ReserveStock', data: { sku: 'sku-new', orderId: 'o1', quantity: 1 } })
        .thenRejects({
          kind: 'business',
          code: 'InsufficientStock',
          details: { sku: 'sku-new', requested: 1, available: 0 },
        });
    });

    test('available never goes below 0', () => {
      const given = spec.given([received(2), reserved('o1', 2)]);
      expect(availability(given.state).available).toBe(0);
      given
        .when({ type: 'ReserveStock', data: { sku: 'sku-1', orderId: 'o2', quantity: 1 } })
        .thenRejects({ kind: 'business', code: 'InsufficientStock', details: { available: 0 } });
      // Even a history that over-reserves (say, written before a rule changed) reports 0, not a debt.
      const overReserved = fold(inventoryAggregate, [received(1), reserved('o1', 1), reserved('o2', 1)]);
      expect(availability(overReserved)).toEqual({ sku: 'sku-1', onHand: 1, reserved: 2, available: 0 });
    });

    test.each([0, -2, 2.5])('rejects quantity %p', (quantity) => {
      spec
        .given([received(5)])
        .when({ type: 'ReserveStock', data: { sku: 'sku-1', orderId: 'o1', quantity } })
        .thenRejects({ kind: 'business', code: 'InvalidQuantity' });
    });
  });

  describe('ReleaseStock', () => {
    test("releases what that order reserved, and only that order's reservation", () => {
      const state = spec
        .given([received(10), reserved('o1', 3), reserved('o2', 4), reserved('o1', 2)])
        .when({ type: 'ReleaseStock', data: { sku: 'sku-1', orderId: 'o1' } })
        .then([released('o1', 5)]);
      expect(state.reservations).toEqual({ o2: 4 });
      expect(availability(state)).toEqual({ sku: 'sku-1', onHand: 10, reserved: 4, available: 6 });
    });

    test('a second release appends nothing', () => {
      spec
        .given([received(10), reserved('o1', 3), released('o1', 3)])
        .when({ type: 'ReleaseStock', data: { sku: 'sku-1', orderId: 'o1' } })
        .then([]);
    });

    test('releasing for an order that never reserved appends nothing', () => {
      spec
        .given([received(10), reserved('o1', 3)])
        .when({ type: 'ReleaseStock', data: { sku: 'sku-1', orderId: 'o2' } })
        .then([]);
    });

    test('releasing on an unknown sku appends nothing', () => {
      spec
        .given([])
        .when({ type: 'ReleaseStock', data: { sku: 'sku-new', orderId: 'o1' } })
        .then([]);
    });

    test('an order id that names an Object.prototype member holds nothing', () => {
      spec
        .given([received(10)])
        .when({ type: 'ReleaseStock', data: { sku: 'sku-1', orderId: 'constructor' } })
        .then([]);
    });
  });

  describe('ShipStock', () => {
    const received = { type: 'StockReceived', data: { sku: 'sku-1', quantity: 10 } } as const;
    const reserved = { type: 'StockReserved', data: { sku: 'sku-1', orderId: 'o1', quantity: 3 } } as const;
    const ship = { type: 'ShipStock', data: { sku: 'sku-1', orderId: 'o1' } } as const;

    test("turns the order's reservation into shipped stock: on hand drops, the reservation is gone", () => {
      const state = spec
        .given([received, reserved])
        .when(ship)
        .then([{ type: 'StockShipped', data: { sku: 'sku-1', orderId: 'o1', quantity: 3 } }]);
      expect(availability(state)).toEqual({ sku: 'sku-1', onHand: 7, reserved: 0, available: 7 });
    });

    test('is a no-op once shipped, and for an order that holds nothing', () => {
      const shipped = { type: 'StockShipped', data: { sku: 'sku-1', orderId: 'o1', quantity: 3 } } as const;
      spec.given([received, reserved, shipped]).when(ship).then([]);
      spec.given([received]).when(ship).then([]);
    });
  });
});

describe('stock returns', () => {
  const shipped: InventoryEvent = {
    type: 'StockShipped',
    data: { sku: 'sku-1', orderId: 'o1', quantity: 3 },
  };
  const returned: InventoryEvent = {
    type: 'StockReturned',
    data: { sku: 'sku-1', orderId: 'o1', quantity: 3 },
  };
  const returnStock = { type: 'ReturnStock', data: { sku: 'sku-1', orderId: 'o1', quantity: 3 } } as const;
  const undo = { type: 'UndoStockReturn', data: { sku: 'sku-1', orderId: 'o1' } } as const;

  test('a return puts the units back on hand, once per order', () => {
    expect(
      spec
        .given([received(10), reserved('o1', 3), shipped])
        .when(returnStock)
        .then([returned]),
    ).toMatchObject({
      onHand: 10,
      returns: { o1: 3 },
    });
    spec
      .given([received(10), reserved('o1', 3), shipped, returned])
      .when(returnStock)
      .then([]);
  });

  test('undoing a return takes the units back out; nothing returned, nothing undone', () => {
    const state = spec
      .given([received(10), reserved('o1', 3), shipped, returned])
      .when(undo)
      .then([{ type: 'StockReturnUndone', data: { sku: 'sku-1', orderId: 'o1', quantity: 3 } }]);
    expect(state).toMatchObject({ onHand: 7, returns: {} });
    spec
      .given([received(10)])
      .when(undo)
      .then([]);
  });

  test('returned units another order reserved since cannot be taken back out', () => {
    spec
      .given([received(3), reserved('o1', 3), shipped, returned, reserved('o2', 2)])
      .when(undo)
      .thenRejects({ kind: 'business', code: 'ReturnedStockReserved' });
  });
});
