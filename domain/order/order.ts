import { defineAggregate, irreversible, notFound, rejectBecause } from '../../engine/aggregate';
import type { Message } from '../../engine/aggregate';
import type { ShippingAddress } from '../shipment/shipment';

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

/** Where an order goes: the carrier's address plus the region (state, province) some countries need. */
export interface OrderAddress extends ShippingAddress {
  region: string | null;
}

/** ISO 4217 codes the shop prices in. */
export const supportedCurrencies = ['EUR', 'GBP', 'USD'] as const;
export type Currency = (typeof supportedCurrencies)[number];

export type PlaceOrder = Message<
  'PlaceOrder',
  {
    orderId: string;
    customerId: string;
    lines: OrderLine[];
    paymentMethod: string;
    /** `region` may be left out (most countries need none). */
    shippingAddress: ShippingAddress & { region?: string | null };
    /** EUR when left out: the shop's prices were all in euros before it took other currencies. */
    currency?: Currency;
  }
>;
export type ConfirmOrder = Message<'ConfirmOrder', { orderId: string }>;
export type CancelOrder = Message<'CancelOrder', { orderId: string; reason: string }>;
export type OrderCommand = PlaceOrder | ConfirmOrder | CancelOrder;

/**
 * The whole order as placed. The order saga still reads the order back from its stream when it starts
 * (workflows/orderFulfillment/reads.ts): a redelivered OrderPlaced must not fulfil an order closed since.
 * Schema version 2 added `currency` and the address's `region`; version 1 events in the log are read
 * through domain/upcasters.ts as EUR with no region.
 */
export type OrderPlaced = Message<
  'OrderPlaced',
  {
    orderId: string;
    customerId: string;
    lines: OrderLine[];
    paymentMethod: string;
    shippingAddress: OrderAddress;
    currency: Currency;
    totalCents: number;
  }
>;
export type OrderConfirmed = Message<'OrderConfirmed', { orderId: string }>;
export type OrderCancelled = Message<'OrderCancelled', { orderId: string; reason: string }>;
export type OrderEvent = OrderPlaced | OrderConfirmed | OrderCancelled;

export interface OrderState {
  status: 'none' | 'placed' | 'confirmed' | 'cancelled';
  orderId: string;
  customerId: string;
  lines: OrderLine[];
  paymentMethod: string;
  shippingAddress: OrderAddress;
  currency: Currency;
  totalCents: number;
  cancelReason?: string;
}

const initialState: OrderState = {
  status: 'none',
  orderId: '',
  customerId: '',
  lines: [],
  paymentMethod: '',
  shippingAddress: { name: '', line1: '', city: '', region: null, postalCode: '', country: '' },
  currency: 'EUR',
  totalCents: 0,
};

export function orderTotalCents(lines: readonly OrderLine[]): number {
  return lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
}

function validLines(orderId: string, lines: readonly OrderLine[]): OrderLine[] {
  if (lines.length === 0) rejectBecause('EmptyOrder', `Order ${orderId} has no lines`, { orderId });
  return lines.map(({ sku, quantity, unitPriceCents }) => {
    if (!Number.isInteger(quantity) || quantity < 1) {
      rejectBecause('InvalidQuantity', `Quantity of ${sku} must be a whole number of at least 1`, {
        orderId,
        sku,
        quantity,
      });
    }
    if (!Number.isInteger(unitPriceCents) || unitPriceCents < 0) {
      rejectBecause('InvalidPrice', `Unit price of ${sku} must be a whole number of cents >= 0`, {
        orderId,
        sku,
        unitPriceCents,
      });
    }
    return { sku, quantity, unitPriceCents };
  });
}

export const orderAggregate = defineAggregate<OrderCommand, OrderEvent, OrderState>({
  streamType: 'order',
  commandTypes: { PlaceOrder: true, ConfirmOrder: true, CancelOrder: true },
  idOf: (data) => data.orderId,
  initialState,
  reversals: {
    OrderPlaced: ({ data }) => [{ type: 'CancelOrder', data: { orderId: data.orderId, reason: 'reverted' } }],
    OrderConfirmed: irreversible(
      'a confirmed order was paid and shipped: it is undone by a refund, not a revert',
    ),
    OrderCancelled: irreversible('cancelling released the stock and voided the payment; place a new order'),
  },

  evolve(state, event) {
    switch (event.type) {
      case 'OrderPlaced':
        return { status: 'placed', ...event.data };
      case 'OrderConfirmed':
        return { ...state, status: 'confirmed' };
      case 'OrderCancelled':
        return { ...state, status: 'cancelled', cancelReason: event.data.reason };
    }
  },

  decide(command, state) {
    const { orderId } = command.data;
    switch (command.type) {
      case 'PlaceOrder': {
        if (state.status !== 'none') {
          rejectBecause('OrderAlreadyPlaced', `Order ${orderId} was already placed`, {
            orderId,
            status: state.status,
          });
        }
        const { customerId, paymentMethod, shippingAddress, currency = 'EUR' } = command.data;
        if (!supportedCurrencies.includes(currency)) {
          rejectBecause('UnsupportedCurrency', `The shop does not price in ${currency}`, {
            orderId,
            currency,
            supported: supportedCurrencies,
          });
        }
        const lines = validLines(orderId, command.data.lines);
        const { name, line1, city, region, postalCode, country } = shippingAddress;
        return [
          {
            type: 'OrderPlaced',
            data: {
              orderId,
              customerId,
              lines,
              paymentMethod,
              shippingAddress: { name, line1, city, region: region ?? null, postalCode, country },
              currency,
              totalCents: orderTotalCents(lines),
            },
          },
        ];
      }

      case 'ConfirmOrder':
        switch (state.status) {
          case 'none':
            return notFound('Order', orderId);
          // Once cancelled, the saga has compensated; confirming now would promise goods already released.
          case 'cancelled':
            return rejectBecause('OrderAlreadyCancelled', `Order ${orderId} was cancelled`, { orderId });
          case 'confirmed':
            return [];
          case 'placed':
            return [{ type: 'OrderConfirmed', data: { orderId } }];
        }
        break;

      case 'CancelOrder':
        switch (state.status) {
          case 'none':
            return notFound('Order', orderId);
          // Confirmation ends the order's saga; undoing a confirmed order is a refund, not a cancellation.
          case 'confirmed':
            return rejectBecause('OrderAlreadyConfirmed', `Order ${orderId} was confirmed`, { orderId });
          case 'cancelled':
            return [];
          case 'placed':
            return [{ type: 'OrderCancelled', data: { orderId, reason: command.data.reason } }];
        }
        break;
    }
  },
});
