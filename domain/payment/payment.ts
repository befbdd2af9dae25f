import { defineAggregate, irreversible, rejectBecause } from '../../engine/aggregate';
import type { DecisionContext, Message } from '../../engine/aggregate';
import { consultProvider } from './paymentMethods';

export { isSupportedPaymentMethod, supportedPaymentMethods, type PaymentMethod } from './paymentMethods';

export type AuthorizePayment = Message<
  'AuthorizePayment',
  { orderId: string; amountCents: number; paymentMethod: string }
>;
export type CapturePayment = Message<'CapturePayment', { orderId: string }>;
export type VoidPayment = Message<'VoidPayment', { orderId: string }>;
export type RefundPayment = Message<'RefundPayment', { orderId: string }>;
export type PaymentCommand = AuthorizePayment | CapturePayment | VoidPayment | RefundPayment;

export type PaymentAuthorized = Message<
  'PaymentAuthorized',
  { orderId: string; amountCents: number; paymentMethod: string }
>;
export type PaymentCaptured = Message<'PaymentCaptured', { orderId: string; amountCents: number }>;
export type PaymentVoided = Message<'PaymentVoided', { orderId: string }>;
export type PaymentRefunded = Message<'PaymentRefunded', { orderId: string; amountCents: number }>;
export type PaymentEvent = PaymentAuthorized | PaymentCaptured | PaymentVoided | PaymentRefunded;

export interface PaymentState {
  status: 'none' | 'authorized' | 'captured' | 'voided' | 'refunded';
  orderId: string;
  amountCents: number;
  paymentMethod: string;
}

const initialState: PaymentState = { status: 'none', orderId: '', amountCents: 0, paymentMethod: '' };

function authorize(command: AuthorizePayment, state: PaymentState, context: DecisionContext): PaymentEvent[] {
  const { orderId, amountCents, paymentMethod } = command.data;
  if (!Number.isInteger(amountCents) || amountCents < 0) {
    rejectBecause('InvalidAmount', `Amount must be a whole number of cents >= 0, got ${amountCents}`, {
      orderId,
      amountCents,
    });
  }
  switch (state.status) {
    case 'voided':
    case 'refunded':
      return rejectBecause('PaymentClosed', `Payment for order ${orderId} is ${state.status}`, {
        orderId,
        status: state.status,
      });
    case 'authorized':
    case 'captured':
      return [];
    case 'none':
      consultProvider(paymentMethod, 'authorize', context);
      return [{ type: 'PaymentAuthorized', data: { orderId, amountCents, paymentMethod } }];
  }
}

function capture(orderId: string, state: PaymentState, context: DecisionContext): PaymentEvent[] {
  switch (state.status) {
    case 'none':
      return rejectBecause('PaymentNotAuthorized', `Payment for order ${orderId} is not authorized`, {
        orderId,
      });
    case 'voided':
      return rejectBecause('PaymentVoided', `Payment for order ${orderId} was voided`, { orderId });
    // A refund implies the capture happened, so a late retry of the capture is a no-op too.
    case 'captured':
    case 'refunded':
      return [];
    case 'authorized':
      consultProvider(state.paymentMethod, 'capture', context);
      return [{ type: 'PaymentCaptured', data: { orderId, amountCents: state.amountCents } }];
  }
}

function voidAuthorization(orderId: string, state: PaymentState, context: DecisionContext): PaymentEvent[] {
  switch (state.status) {
    // Compensation runs whether or not the authorization ever happened, and may run twice.
    case 'none':
    case 'voided':
      return [];
    case 'captured':
    case 'refunded':
      return rejectBecause('PaymentAlreadyCaptured', `Payment for order ${orderId} was captured`, {
        orderId,
        status: state.status,
      });
    case 'authorized':
      consultProvider(state.paymentMethod, 'void', context);
      return [{ type: 'PaymentVoided', data: { orderId } }];
  }
}

function refund(orderId: string, state: PaymentState, context: DecisionContext): PaymentEvent[] {
  switch (state.status) {
    case 'none':
    case 'authorized':
    case 'voided':
      return rejectBecause('PaymentNotCaptured', `Payment for order ${orderId} was not captured`, {
        orderId,
        status: state.status,
      });
    case 'refunded':
      return [];
    case 'captured':
      consultProvider(state.paymentMethod, 'refund', context);
      return [{ type: 'PaymentRefunded', data: { orderId, amountCents: state.amountCents } }];
  }
}

/**
 * Rules are checked before the provider is consulted: a no-op or a rule-based refusal never reaches the
 * provider, so a retry of an already applied command cannot be failed by a provider outage.
 */
export const paymentAggregate = defineAggregate<PaymentCommand, PaymentEvent, PaymentState>({
  streamType: 'payment',
  commandTypes: { AuthorizePayment: true, CapturePayment: true, VoidPayment: true, RefundPayment: true },
  idOf: (data) => data.orderId,
  initialState,
  reversals: {
    PaymentAuthorized: ({ data }) => [{ type: 'VoidPayment', data: { orderId: data.orderId } }],
    PaymentCaptured: irreversible(
      'captured money is returned by a refund (RefundPayment), an act of its own',
    ),
    PaymentVoided: irreversible('a voided authorization cannot be renewed without the card holder'),
    PaymentRefunded: irreversible('refunded money is back with the card holder'),
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PaymentAuthorized': {
        const { orderId, amountCents, paymentMethod } = event.data;
        return { status: 'authorized', orderId, amountCents, paymentMethod };
      }
      case 'PaymentCaptured':
        return { ...state, status: 'captured', amountCents: event.data.amountCents };
      case 'PaymentVoided':
        return { ...state, status: 'voided' };
      case 'PaymentRefunded':
        return { ...state, status: 'refunded' };
    }
  },

  decide(command, state, context) {
    switch (command.type) {
      case 'AuthorizePayment':
        return authorize(command, state, context);
      case 'CapturePayment':
        return capture(command.data.orderId, state, context);
      case 'VoidPayment':
        return voidAuthorization(command.data.orderId, state, context);
      case 'RefundPayment':
        return refund(command.data.orderId, state, context);
    }
  },
});
