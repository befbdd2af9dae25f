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
/** A confirmed order's money and goods to go back: the refund saga does it, and ends it either way. */
export type RefundOrder = Message<'RefundOrder', { orderId: string; reason: string }>;
export type CompleteRefund = Message<'CompleteRefund', { orderId: string }>;
/** The refund could not be made (the provider refused it): the order stays confirmed. */
export type AbandonRefund = Message<'AbandonRefund', { orderId: string; reason: string }>;
export type OrderCommand =
  PlaceOrder | ConfirmOrder | CancelOrder | RefundOrder | CompleteRefund | AbandonRefund;

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
export type OrderRefundRequested = Message<'OrderRefundRequested', { orderId: string; reason: string }>;
/** The money went back and the goods were taken back: what sagas downstream of an order react to. */
export type OrderRefunded = Message<
  'OrderRefunded',
  { orderId: string; customerId: string; reason: string; amountCents: number; currency: Currency }
>;
export type OrderRefundAbandoned = Message<'OrderRefundAbandoned', { orderId: string; reason: string }>;
export type OrderEvent =
  OrderPlaced | OrderConfirmed | OrderCancelled | OrderRefundRequested | OrderRefunded | OrderRefundAbandoned;

export interface OrderState {
  status: 'none' | 'placed' | 'confirmed' | 'cancelled' | 'refunding' | 'refunded';
  orderId: string;
  customerId: string;
  lines: OrderLine[];
  paymentMethod: string;
  shippingAddress: OrderAddress;
  currency: Currency;
  totalCents: number;
  cancelReason?: string;
  /** Why a refund was asked for (while refunding, and once refunded). */
  refundReason?: string;
  /** How many refunds were asked for: a refund asked again after one was abandoned is a new attempt. */
  refundAttempts?: number;
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

/** Only a confirmed order is refunded (a placed one is cancelled), and only once at a time. */
function refund(state: OrderState, { orderId, reason }: RefundOrder['data']): OrderEvent[] {
  switch (state.status) {
    case 'none':
      return notFound('Order', orderId);
    case 'placed':
      return rejectBecause('OrderNotConfirmed', `Order ${orderId} is not confirmed yet: cancel it instead`, {
        orderId,
      });
    case 'cancelled':
      return rejectBecause('OrderAlreadyCancelled', `Order ${orderId} was cancelled`, { orderId });
    case 'refunded':
      return rejectBecause('OrderAlreadyRefunded', `Order ${orderId} was refunded`, { orderId });
    case 'refunding':
      if (state.refundReason === reason) return [];
      return rejectBecause('RefundUnderWay', `Order ${orderId} is being refunded already`, {
        orderId,
        reason: state.refundReason,
      });
    case 'confirmed':
      if (reason.trim() === '') rejectBecause('RefundReasonMissing', 'A refund needs a reason', { orderId });
      return [{ type: 'OrderRefundRequested', data: { orderId, reason } }];
  }
}

function requireRefunding(state: OrderState, orderId: string): void {
  if (state.status === 'none') notFound('Order', orderId);
  if (state.status !== 'refunding')
    rejectBecause('NoRefundUnderWay', `Order ${orderId} is ${state.status}, not being refunded`, {
      orderId,
      status: state.status,
    });
}

export const orderAggregate = defineAggregate<OrderCommand, OrderEvent, OrderState>({
  streamType: 'order',
  commandTypes: {
    PlaceOrder: true,
    ConfirmOrder: true,
    CancelOrder: true,
    RefundOrder: true,
    CompleteRefund: true,
    AbandonRefund: true,
  },
  idOf: (data) => data.orderId,
  initialState,
  reversals: {
    OrderPlaced: ({ data }) => [{ type: 'CancelOrder', data: { orderId: data.orderId, reason: 'reverted' } }],
    OrderConfirmed: irreversible(
      'a confirmed order was paid and shipped: it is undone by a refund, not a revert',
    ),
    OrderCancelled: irreversible('cancelling released the stock and voided the payment; place a new order'),
    OrderRefundRequested: irreversible('a refund under way is ended by its saga, refunded or abandoned'),
    OrderRefunded: irreversible('the money went back to the customer'),
    OrderRefundAbandoned: irreversible('the refund was refused; ask for a new one'),
  },

  evolve(state, event) {
    switch (event.type) {
      case 'OrderPlaced':
        return { status: 'placed', ...event.data };
      case 'OrderConfirmed':
        return { ...state, status: 'confirmed' };
      case 'OrderCancelled':
        return { ...state, status: 'cancelled', cancelReason: event.data.reason };
      case 'OrderRefundRequested':
        return {
          ...state,
          status: 'refunding',
          refundReason: event.data.reason,
          refundAttempts: (state.refundAttempts ?? 0) + 1,
        };
      case 'OrderRefunded':
        return { ...state, status: 'refunded' };
      case 'OrderRefundAbandoned': {
        const { refundReason: _abandoned, ...rest } = state;
        return { ...rest, status: 'confirmed' };
      }
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
          case 'refunding':
          case 'refunded':
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
          case 'refunding':
          case 'refunded':
            return rejectBecause('OrderAlreadyConfirmed', `Order ${orderId} was confirmed`, { orderId });
          case 'cancelled':
            return [];
          case 'placed':
            return [{ type: 'OrderCancelled', data: { orderId, reason: command.data.reason } }];
        }
        break;

      case 'RefundOrder':
        return refund(state, command.data);
      case 'CompleteRefund':
        if (state.status === 'refunded') return [];
        requireRefunding(state, orderId);
        return [
          {
            type: 'OrderRefunded',
            data: {
              orderId,
              customerId: state.customerId,
              reason: state.refundReason ?? '',
              amountCents: state.totalCents,
              currency: state.currency,
            },
          },
        ];
      case 'AbandonRefund':
        if (state.status === 'confirmed') return [];
        requireRefunding(state, orderId);
        return [{ type: 'OrderRefundAbandoned', data: { orderId, reason: command.data.reason } }];
    }
  },
});
