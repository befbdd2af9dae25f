import { defineAggregate, irreversible, rejectBecause } from '../../engine/aggregate';
import type { Message } from '../../engine/aggregate';

export type ReceiveStock = Message<'ReceiveStock', { sku: string; quantity: number }>;
export type ReserveStock = Message<'ReserveStock', { sku: string; orderId: string; quantity: number }>;
export type ReleaseStock = Message<'ReleaseStock', { sku: string; orderId: string }>;
/** The order's reserved units left the warehouse: they stop being stock at all. */
export type ShipStock = Message<'ShipStock', { sku: string; orderId: string }>;
/** A count found wrong (or a receipt reverted): `quantity` is the change, negative to remove units. */
export type CorrectStock = Message<'CorrectStock', { sku: string; quantity: number; reason: string }>;
/** A refunded order's units came back to the warehouse: stock again, counted once per order. */
export type ReturnStock = Message<'ReturnStock', { sku: string; orderId: string; quantity: number }>;
/** Takes back a return whose refund did not go through (the refund saga's compensation). */
export type UndoStockReturn = Message<'UndoStockReturn', { sku: string; orderId: string }>;
export type InventoryCommand =
  ReceiveStock | ReserveStock | ReleaseStock | ShipStock | CorrectStock | ReturnStock | UndoStockReturn;

export type StockReceived = Message<'StockReceived', { sku: string; quantity: number }>;
export type StockReserved = Message<'StockReserved', { sku: string; orderId: string; quantity: number }>;
/** `quantity` is what the order held, so a reader of the log alone can rebuild availability. */
export type StockReleased = Message<'StockReleased', { sku: string; orderId: string; quantity: number }>;
export type StockShipped = Message<'StockShipped', { sku: string; orderId: string; quantity: number }>;
export type StockCorrected = Message<'StockCorrected', { sku: string; quantity: number; reason: string }>;
export type StockReturned = Message<'StockReturned', { sku: string; orderId: string; quantity: number }>;
export type StockReturnUndone = Message<
  'StockReturnUndone',
  { sku: string; orderId: string; quantity: number }
>;
export type InventoryEvent =
  | StockReceived
  | StockReserved
  | StockReleased
  | StockShipped
  | StockCorrected
  | StockReturned
  | StockReturnUndone;

export interface InventoryState {
  sku: string;
  /** Units in the warehouse, reserved or not. */
  onHand: number;
  /** Units held per order id; an order appears only while it holds some. */
  reservations: Record<string, number>;
  /** Units returned per refunded order (absent in states folded before returns existed). */
  returns?: Record<string, number>;
}

export interface Availability {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

const initialState: InventoryState = { sku: '', onHand: 0, reservations: {} };

export function availability(state: InventoryState): Availability {
  const reserved = Object.values(state.reservations).reduce((sum, quantity) => sum + quantity, 0);
  return { sku: state.sku, onHand: state.onHand, reserved, available: Math.max(0, state.onHand - reserved) };
}

/** Own properties only: an order id such as `constructor` must not find something on Object.prototype. */
function heldBy(state: InventoryState, orderId: string): number {
  return Object.hasOwn(state.reservations, orderId) ? (state.reservations[orderId] ?? 0) : 0;
}

function returnedFor(state: InventoryState, orderId: string): number {
  return state.returns && Object.hasOwn(state.returns, orderId) ? (state.returns[orderId] ?? 0) : 0;
}

function requireValidQuantity(sku: string, quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1) {
    rejectBecause('InvalidQuantity', `Quantity must be a whole number of at least 1, got ${quantity}`, {
      sku,
      quantity,
    });
  }
}

export const inventoryAggregate = defineAggregate<InventoryCommand, InventoryEvent, InventoryState>({
  streamType: 'inventory',
  commandTypes: {
    ReceiveStock: true,
    ReserveStock: true,
    ReleaseStock: true,
    ShipStock: true,
    CorrectStock: true,
    ReturnStock: true,
    UndoStockReturn: true,
  },
  idOf: (data) => data.sku,
  initialState,
  reversals: {
    StockReceived: ({ data }) => [
      { type: 'CorrectStock', data: { sku: data.sku, quantity: -data.quantity, reason: 'receipt reverted' } },
    ],
    StockCorrected: ({ data }) => [
      {
        type: 'CorrectStock',
        data: { sku: data.sku, quantity: -data.quantity, reason: 'correction reverted' },
      },
    ],
    StockReserved: ({ data }) => [{ type: 'ReleaseStock', data: { sku: data.sku, orderId: data.orderId } }],
    // Reserved again only if the units are still free: otherwise the revert is refused as rejected.
    StockReleased: ({ data }) => [{ type: 'ReserveStock', data: { ...data } }],
    StockShipped: irreversible('the units left the warehouse with the parcel'),
    StockReturned: ({ data }) => [
      { type: 'UndoStockReturn', data: { sku: data.sku, orderId: data.orderId } },
    ],
    StockReturnUndone: ({ data }) => [{ type: 'ReturnStock', data: { ...data } }],
  },

  evolve(state, event) {
    switch (event.type) {
      case 'StockReceived':
        return { ...state, sku: event.data.sku, onHand: state.onHand + event.data.quantity };
      case 'StockReserved': {
        const { sku, orderId, quantity } = event.data;
        const held = heldBy(state, orderId);
        return { ...state, sku, reservations: { ...state.reservations, [orderId]: held + quantity } };
      }
      case 'StockReleased': {
        const { [event.data.orderId]: _released, ...reservations } = state.reservations;
        return { ...state, reservations };
      }
      case 'StockShipped': {
        const { [event.data.orderId]: _shipped, ...reservations } = state.reservations;
        return { ...state, onHand: state.onHand - event.data.quantity, reservations };
      }
      case 'StockCorrected':
        return { ...state, sku: event.data.sku, onHand: state.onHand + event.data.quantity };
      case 'StockReturned': {
        const { sku, orderId, quantity } = event.data;
        const returns = { ...state.returns, [orderId]: quantity };
        return { ...state, sku, onHand: state.onHand + quantity, returns };
      }
      case 'StockReturnUndone': {
        const { [event.data.orderId]: _undone, ...returns } = state.returns ?? {};
        return { ...state, onHand: state.onHand - event.data.quantity, returns };
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ReceiveStock': {
        const { sku, quantity } = command.data;
        requireValidQuantity(sku, quantity);
        return [{ type: 'StockReceived', data: { sku, quantity } }];
      }

      case 'ReserveStock': {
        const { sku, orderId, quantity } = command.data;
        requireValidQuantity(sku, quantity);
        const { available } = availability(state);
        if (available < quantity) {
          rejectBecause('InsufficientStock', `Only ${available} of ${sku} available, ${quantity} requested`, {
            sku,
            requested: quantity,
            available,
          });
        }
        return [{ type: 'StockReserved', data: { sku, orderId, quantity } }];
      }

      case 'ReleaseStock': {
        const { sku, orderId } = command.data;
        const held = heldBy(state, orderId);
        // Compensation may run for an order whose reservation failed or was already released.
        if (held === 0) return [];
        return [{ type: 'StockReleased', data: { sku, orderId, quantity: held } }];
      }

      case 'ShipStock': {
        const { sku, orderId } = command.data;
        const held = heldBy(state, orderId);
        // Shipped already (a retry), or nothing was ever held for the order: nothing leaves.
        if (held === 0) return [];
        return [{ type: 'StockShipped', data: { sku, orderId, quantity: held } }];
      }

      case 'ReturnStock': {
        const { sku, orderId, quantity } = command.data;
        requireValidQuantity(sku, quantity);
        // Once per order: a saga's retry, or a second refund request, finds the units already back.
        if (returnedFor(state, orderId) > 0) return [];
        return [{ type: 'StockReturned', data: { sku, orderId, quantity } }];
      }

      case 'UndoStockReturn': {
        const { sku, orderId } = command.data;
        const returned = returnedFor(state, orderId);
        if (returned === 0) return [];
        // Returned units an order has reserved since cannot leave again: they are promised.
        const { reserved } = availability(state);
        if (state.onHand - returned < reserved)
          rejectBecause(
            'ReturnedStockReserved',
            `${sku}: the ${returned} units returned for order ${orderId} are reserved by other orders now`,
            { sku, orderId, returned, onHand: state.onHand, reserved },
          );
        return [{ type: 'StockReturnUndone', data: { sku, orderId, quantity: returned } }];
      }

      case 'CorrectStock': {
        const { sku, quantity, reason } = command.data;
        if (!Number.isInteger(quantity) || quantity === 0)
          rejectBecause(
            'InvalidQuantity',
            `A correction is a whole number of units other than 0, got ${quantity}`,
            {
              sku,
              quantity,
            },
          );
        // Units orders hold cannot be corrected away: release them first.
        const { reserved } = availability(state);
        if (state.onHand + quantity < reserved)
          rejectBecause(
            'CorrectionBelowReserved',
            `${sku} has ${state.onHand} on hand, ${reserved} reserved: removing ${-quantity} would leave orders short`,
            { sku, onHand: state.onHand, reserved, quantity },
          );
        return [{ type: 'StockCorrected', data: { sku, quantity, reason } }];
      }
    }
  },
});
