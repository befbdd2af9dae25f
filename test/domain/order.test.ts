import {
  orderAggregate,
  type OrderAddress,
  type OrderCommand,
  type OrderEvent,
  type OrderLine,
} from '../../domain/order/order';
import { specFor } from '../../engine/testing/givenWhenThen';

const spec = specFor(orderAggregate);
const shippingAddress: OrderAddress = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  region: null,
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};
const lines: OrderLine[] = [
  { sku: 'sku-1', quantity: 2, unitPriceCents: 1250 },
  { sku: 'sku-2', quantity: 1, unitPriceCents: 999 },
];
const place = (orderLines: OrderLine[] = lines): OrderCommand => ({
  type: 'PlaceOrder',
  data: { orderId: 'o1', customerId: 'c1', lines: orderLines, paymentMethod: 'pm_card_ok', shippingAddress },
});
const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId: 'o1',
    customerId: 'c1',
    lines,
    paymentMethod: 'pm_card_ok',
    shippingAddress,
    currency: 'EUR',
    totalCents: 3499,
  },
};
const confirmed: OrderEvent = { type: 'OrderConfirmed', data: { orderId: 'o1' } };
const cancelled: OrderEvent = { type: 'OrderCancelled', data: { orderId: 'o1', reason: 'payment declined' } };

describe('order', () => {
  test('uses the order stream type', () => {
    expect(orderAggregate.streamType).toBe('order');
  });

  describe('PlaceOrder', () => {
    test('places an order with its total in cents', () => {
      const state = spec.given([]).when(place()).then([placed]);
      expect(state).toEqual({ status: 'placed', ...placed.data });
    });

    test('a free line counts for nothing in the total', () => {
      spec
        .given([])
        .when(place([{ sku: 'sku-free', quantity: 3, unitPriceCents: 0 }]))
        .then([
          {
            type: 'OrderPlaced',
            data: {
              orderId: 'o1',
              customerId: 'c1',
              lines: [{ sku: 'sku-free', quantity: 3, unitPriceCents: 0 }],
              paymentMethod: 'pm_card_ok',
              shippingAddress,
              currency: 'EUR',
              totalCents: 0,
            },
          },
        ]);
    });

    test('keeps the currency and region given', () => {
      const command = place();
      if (command.type !== 'PlaceOrder') throw new Error('a PlaceOrder');
      spec
        .given([])
        .when({
          ...command,
          data: {
            ...command.data,
            currency: 'GBP',
            shippingAddress: { ...shippingAddress, region: 'Greater London' },
          },
        })
        .then([
          {
            ...placed,
            data: {
              ...placed.data,
              currency: 'GBP',
              shippingAddress: { ...shippingAddress, region: 'Greater London' },
            },
          } as OrderEvent,
        ]);
    });

    test('rejects a currency the shop does not price in', () => {
      const command = place();
      if (command.type !== 'PlaceOrder') throw new Error('a PlaceOrder');
      spec
        .given([])
        .when({ ...command, data: { ...command.data, currency: 'JPY' as 'EUR' } })
        .thenRejects({ kind: 'business', code: 'UnsupportedCurrency' });
    });

    test('rejects an order with no lines', () => {
      spec.given([]).when(place([])).thenRejects({ kind: 'business', code: 'EmptyOrder' });
    });

    test.each([0, -1, 1.5])('rejects quantity %p', (quantity) => {
      spec
        .given([])
        .when(place([...lines, { sku: 'sku-3', quantity, unitPriceCents: 100 }]))
        .thenRejects({ kind: 'business', code: 'InvalidQuantity', details: { sku: 'sku-3', quantity } });
    });

    test.each([-1, 0.5])('rejects unit price %p', (unitPriceCents) => {
      spec
        .given([])
        .when(place([{ sku: 'sku-3', quantity: 1, unitPriceCents }]))
        .thenRejects({ kind: 'business', code: 'InvalidPrice', details: { sku: 'sku-3', unitPriceCents } });
    });

    test.each([
      ['placed', [placed]],
      ['confirmed', [placed, confirmed]],
      ['cancelled', [placed, cancelled]],
    ])('rejects placing an order already %s', (_status, history) => {
      spec.given(history).when(place()).thenRejects({ kind: 'business', code: 'OrderAlreadyPlaced' });
    });
  });

  describe('ConfirmOrder', () => {
    test('confirms a placed order', () => {
      const state = spec
        .given([placed])
        .when({ type: 'ConfirmOrder', data: { orderId: 'o1' } })
        .then([confirmed]);
      expect(state.status).toBe('confirmed');
    });

    test('rejects an unknown order as not found', () => {
      spec
        .given([])
        .when({ type: 'ConfirmOrder', data: { orderId: 'o1' } })
        .thenRejects({ kind: 'notFound', code: 'OrderNotFound', details: { id: 'o1' } });
    });

    test('rejects confirming after a cancel', () => {
      spec
        .given([placed, cancelled])
        .when({ type: 'ConfirmOrder', data: { orderId: 'o1' } })
        .thenRejects({ kind: 'business', code: 'OrderAlreadyCancelled' });
    });

    test('is a no-op when already confirmed', () => {
      spec
        .given([placed, confirmed])
        .when({ type: 'ConfirmOrder', data: { orderId: 'o1' } })
        .then([]);
    });
  });

  describe('CancelOrder', () => {
    test('cancels a placed order and keeps the reason', () => {
      const state = spec
        .given([placed])
        .when({ type: 'CancelOrder', data: { orderId: 'o1', reason: 'payment declined' } })
        .then([cancelled]);
      expect(state).toMatchObject({ status: 'cancelled', cancelReason: 'payment declined' });
    });

    test('rejects an unknown order as not found', () => {
      spec
        .given([])
        .when({ type: 'CancelOrder', data: { orderId: 'o1', reason: 'x' } })
        .thenRejects({ kind: 'notFound', code: 'OrderNotFound' });
    });

    test('rejects cancelling after a confirm', () => {
      spec
        .given([placed, confirmed])
        .when({ type: 'CancelOrder', data: { orderId: 'o1', reason: 'x' } })
        .thenRejects({ kind: 'business', code: 'OrderAlreadyConfirmed' });
    });

    test('is a no-op when already cancelled', () => {
      spec
        .given([placed, cancelled])
        .when({ type: 'CancelOrder', data: { orderId: 'o1', reason: 'again' } })
        .then([]);
    });
  });
});

describe('order refunds', () => {
  const refund = (reason = 'arrived broken'): OrderCommand => ({
    type: 'RefundOrder',
    data: { orderId: 'o1', reason },
  });
  const requested: OrderEvent = {
    type: 'OrderRefundRequested',
    data: { orderId: 'o1', reason: 'arrived broken' },
  };
  const refunded: OrderEvent = {
    type: 'OrderRefunded',
    data: { orderId: 'o1', customerId: 'c1', reason: 'arrived broken', amountCents: 3499, currency: 'EUR' },
  };
  const abandoned: OrderEvent = {
    type: 'OrderRefundAbandoned',
    data: { orderId: 'o1', reason: 'RefundRefused' },
  };

  test('a confirmed order can be refunded; the same request again is in effect, another is refused', () => {
    expect(spec.given([placed, confirmed]).when(refund()).then([requested])).toMatchObject({
      status: 'refunding',
      refundReason: 'arrived broken',
    });
    spec.given([placed, confirmed, requested]).when(refund()).then([]);
    spec
      .given([placed, confirmed, requested])
      .when(refund('other'))
      .thenRejects({ kind: 'business', code: 'RefundUnderWay' });
  });

  test.each([
    [[placed], 'OrderNotConfirmed'],
    [[placed, cancelled], 'OrderAlreadyCancelled'],
    [[placed, confirmed, requested, refunded], 'OrderAlreadyRefunded'],
  ] as const)('an order that is not confirmed cannot be refunded (%#: %s)', (history, code) => {
    spec
      .given([...history])
      .when(refund())
      .thenRejects({ kind: 'business', code });
  });

  test('completing records OrderRefunded with the amount and who; once', () => {
    spec
      .given([placed, confirmed, requested])
      .when({ type: 'CompleteRefund', data: { orderId: 'o1' } })
      .then([refunded]);
    spec
      .given([placed, confirmed, requested, refunded])
      .when({ type: 'CompleteRefund', data: { orderId: 'o1' } })
      .then([]);
  });

  test('abandoning takes the order back to confirmed, so it can be asked again', () => {
    const state = spec
      .given([placed, confirmed, requested])
      .when({ type: 'AbandonRefund', data: { orderId: 'o1', reason: 'RefundRefused' } })
      .then([abandoned]);
    expect(state).toMatchObject({ status: 'confirmed' });
    expect(state).not.toHaveProperty('refundReason');
    spec
      .given([placed, confirmed, requested, abandoned])
      .when(refund('again'))
      .then([{ type: 'OrderRefundRequested', data: { orderId: 'o1', reason: 'again' } }]);
  });

  test('a refund under way cannot be cancelled, nor confirmed twice', () => {
    spec
      .given([placed, confirmed, requested])
      .when({ type: 'CancelOrder', data: { orderId: 'o1', reason: 'x' } })
      .thenRejects({ kind: 'business', code: 'OrderAlreadyConfirmed' });
    spec
      .given([placed, confirmed, requested])
      .when({ type: 'ConfirmOrder', data: { orderId: 'o1' } })
      .then([]);
  });
});
