import type { DecisionContext } from '../../engine/aggregate';
import { rejectBecause, transientFailure } from '../../engine/aggregate';

/**
 * Card-processor style test tokens: the whole "provider" is simulated here so sagas can be driven down
 * every path (success, decline, outage) without a real processor.
 */
export const supportedPaymentMethods = [
  'pm_card_ok',
  'pm_card_declined',
  'pm_card_flaky',
  // Pays, but the provider refuses to give the money back: drives a refund down its compensation.
  'pm_card_no_refunds',
] as const;
export type PaymentMethod = (typeof supportedPaymentMethods)[number];

/** Attempts up to this one find the flaky provider down; the next one succeeds. */
export const flakyFailedAttempts = 2;

export function isSupportedPaymentMethod(method: string): method is PaymentMethod {
  return (supportedPaymentMethods as readonly string[]).includes(method);
}

/** What the provider says to an operation on a payment made with `method`; throws when it says no. */
export function consultProvider(method: string, operation: string, context: DecisionContext): void {
  if (!isSupportedPaymentMethod(method)) {
    rejectBecause('UnsupportedPaymentMethod', `Payment method ${method} is not supported`, {
      paymentMethod: method,
      supported: [...supportedPaymentMethods],
    });
  }
  if (method === 'pm_card_declined') {
    rejectBecause('CardDeclined', 'The card was declined', { paymentMethod: method });
  }
  if (method === 'pm_card_no_refunds' && operation === 'refund') {
    rejectBecause('RefundRefused', 'The provider refused the refund', { paymentMethod: method });
  }
  if (method === 'pm_card_flaky' && context.attempt <= flakyFailedAttempts) {
    transientFailure('PaymentProviderUnavailable', `Payment provider unavailable for ${operation}`, {
      paymentMethod: method,
      operation,
      attempt: context.attempt,
    });
  }
}
