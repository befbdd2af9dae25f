import { paymentAggregate, type PaymentCommand, type PaymentEvent } from '../../domain/payment/payment';
import { isSupportedPaymentMethod, supportedPaymentMethods } from '../../domain/payment/paymentMethods';
import { attempt, specFor } from '../../engine/testing/givenWhenThen';

const spec = specFor(paymentAggregate);
const authorized = (paymentMethod = 'pm_card_ok'): PaymentEvent => ({
  type: 'PaymentAuthorized',
  data: { orderId: 'o1', amountCents: 2500, paymentMethod },
});
const captured: PaymentEvent = { type: 'PaymentCaptured', data: { orderId: 'o1', amountCents: 2500 } };
const voided: PaymentEvent = { type: 'PaymentVoided', data: { orderId: 'o1' } };
const refunded: PaymentEvent = { type: 'PaymentRefunded', data: { orderId: 'o1', amountCents: 2500 } };

const authorize = (paymentMethod = 'pm_card_ok', amountCents = 2500): PaymentCommand => ({
  type: 'AuthorizePayment',
  data: { orderId: 'o1', amountCents, paymentMethod },
});
const capture: PaymentCommand = { type: 'CapturePayment', data: { orderId: 'o1' } };
const voidPayment: PaymentCommand = { type: 'VoidPayment', data: { orderId: 'o1' } };
const refund: PaymentCommand = { type: 'RefundPayment', data: { orderId: 'o1' } };

describe('payment', () => {
  test('uses the payment stream type', () => {
    expect(paymentAggregate.streamType).toBe('payment');
  });

  test('exports the supported test tokens for validation at the edge', () => {
    expect(supportedPaymentMethods).toEqual(
      expect.arrayContaining(['pm_card_ok', 'pm_card_declined', 'pm_card_flaky', 'pm_card_no_refunds']),
    );
    expect(isSupportedPaymentMethod('pm_card_ok')).toBe(true);
    expect(isSupportedPaymentMethod('pm_card_amex')).toBe(false);
  });

  describe('AuthorizePayment', () => {
    test('authorizes with a good card', () => {
      const state = spec.given([]).when(authorize()).then([authorized()]);
      expect(state).toEqual({
        status: 'authorized',
        orderId: 'o1',
        amountCents: 2500,
        paymentMethod: 'pm_card_ok',
      });
    });

    test('authorizes a zero amount', () => {
      spec
        .given([])
        .when(authorize('pm_card_ok', 0))
        .then([
          { type: 'PaymentAuthorized', data: { orderId: 'o1', amountCents: 0, paymentMethod: 'pm_card_ok' } },
        ]);
    });

    test('rejects a declined card as a business failure', () => {
      spec
        .given([])
        .when(authorize('pm_card_declined'))
        .thenRejects({ kind: 'business', code: 'CardDeclined' });
    });

    test('rejects an unknown payment method', () => {
      spec
        .given([])
        .when(authorize('pm_card_amex'))
        .thenRejects({ kind: 'business', code: 'UnsupportedPaymentMethod' });
    });

    test.each([-1, 10.5, Number.NaN])('rejects amount %p', (amountCents) => {
      spec
        .given([])
        .when(authorize('pm_card_ok', amountCents))
        .thenRejects({ kind: 'business', code: 'InvalidAmount' });
    });

    test.each([
      ['authorized', [authorized()]],
      ['captured', [authorized(), captured]],
    ])('is a no-op when already %s', (_status, history) => {
      spec.given(history).when(authorize()).then([]);
    });

    test.each([
      ['voided', [authorized(), voided]],
      ['refunded', [authorized(), captured, refunded]],
    ])('rejects a payment already %s as closed', (_status, history) => {
      spec.given(history).when(authorize()).thenRejects({ kind: 'business', code: 'PaymentClosed' });
    });
  });

  describe('CapturePayment', () => {
    test('captures the authorized amount', () => {
      const state = spec.given([authorized()]).when(capture).then([captured]);
      expect(state.status).toBe('captured');
    });

    test('rejects a payment never authorized', () => {
      spec.given([]).when(capture).thenRejects({ kind: 'business', code: 'PaymentNotAuthorized' });
    });

    test('rejects a voided payment', () => {
      spec
        .given([authorized(), voided])
        .when(capture)
        .thenRejects({ kind: 'business', code: 'PaymentVoided' });
    });

    test('is a no-op when already captured', () => {
      spec.given([authorized(), captured]).when(capture).then([]);
    });

    test('is a no-op once refunded, since the capture did happen', () => {
      spec.given([authorized(), captured, refunded]).when(capture).then([]);
    });
  });

  describe('VoidPayment', () => {
    test('voids an authorization', () => {
      const state = spec.given([authorized()]).when(voidPayment).then([voided]);
      expect(state.status).toBe('voided');
    });

    test('is a no-op when the authorization never happened', () => {
      spec.given([]).when(voidPayment).then([]);
    });

    test('is a no-op when already voided', () => {
      spec.given([authorized(), voided]).when(voidPayment).then([]);
    });

    test.each([
      ['captured', [authorized(), captured]],
      ['refunded', [authorized(), captured, refunded]],
    ])('rejects a payment already %s', (_status, history) => {
      spec.given(history).when(voidPayment).thenRejects({ kind: 'business', code: 'PaymentAlreadyCaptured' });
    });
  });

  describe('RefundPayment', () => {
    test('refunds the captured amount', () => {
      const state = spec.given([authorized(), captured]).when(refund).then([refunded]);
      expect(state.status).toBe('refunded');
    });

    test.each([
      ['never authorized', []],
      ['only authorized', [authorized()]],
      ['voided', [authorized(), voided]],
    ])('rejects a payment %s', (_status, history) => {
      spec.given(history).when(refund).thenRejects({ kind: 'business', code: 'PaymentNotCaptured' });
    });

    test('is a no-op when already refunded', () => {
      spec.given([authorized(), captured, refunded]).when(refund).then([]);
    });
  });

  describe('a flaky provider fails attempts 1 and 2 and succeeds on attempt 3', () => {
    const flaky = authorized('pm_card_flaky');
    const capturedFlaky: PaymentEvent = {
      type: 'PaymentCaptured',
      data: { orderId: 'o1', amountCents: 2500 },
    };
    const cases: Array<[string, PaymentEvent[], PaymentCommand, PaymentEvent]> = [
      ['AuthorizePayment', [], authorize('pm_card_flaky'), flaky],
      ['CapturePayment', [flaky], capture, capturedFlaky],
      ['VoidPayment', [flaky], voidPayment, voided],
      ['RefundPayment', [flaky, capturedFlaky], refund, refunded],
    ];

    describe.each(cases)('%s', (_name, history, command, expected) => {
      test.each([1, 2])('attempt %i is a transient failure', (n) => {
        spec
          .given(history)
          .when(command, attempt(n))
          .thenRejects({
            kind: 'transient',
            code: 'PaymentProviderUnavailable',
            details: { paymentMethod: 'pm_card_flaky', attempt: n },
          });
      });

      test('attempt 3 succeeds', () => {
        spec.given(history).when(command, attempt(3)).then([expected]);
      });
    });

    test('a no-op never reaches the provider, so it cannot fail transiently', () => {
      spec.given([flaky]).when(authorize('pm_card_flaky'), attempt(1)).then([]);
      spec.given([flaky, capturedFlaky]).when(capture, attempt(1)).then([]);
    });
  });
});

test('pm_card_no_refunds captures but its provider refuses the refund', () => {
  spec
    .given([authorized('pm_card_no_refunds'), captured])
    .when(refund)
    .thenRejects({ kind: 'business', code: 'RefundRefused' });
});
