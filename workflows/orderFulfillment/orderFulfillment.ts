import { isCancellation, CancellationScope } from '@temporalio/workflow';
import { Compensations, rejectionOf, SagaStopped } from '../../engine/saga';
import { dispatch, stepsFor } from '../kit';
import type { OrderFulfillmentInput, OrderFulfillmentResult } from './contract';
import { orderSagaState, type OrderSagaState } from './progress';
import { readOrder } from './reads';
import { awaitDispatch, checkCustomer, completeOrder, prepareOrder, type OrderSteps } from './steps';

export const defaultDispatchDeadline = '24 hours';

/**
 * OrderPlaced → customer must be active → reserve each line → authorize payment → schedule shipment →
 * wait for ShipmentDispatched (with a deadline) → ship the reserved stock → capture payment → confirm the
 * order. Any rejection, the deadline, or a cancellation undoes what was done, newest first, and cancels
 * the order with why.
 */
export async function orderFulfillment(input: OrderFulfillmentInput): Promise<OrderFulfillmentResult> {
  const { orderId, correlationId } = input;
  const saga = orderSagaState(orderId);

  saga.enter('starting');
  // The saga reads the order from its stream rather than trusting the event: a redelivered OrderPlaced,
  // after the first run's history is gone, must not fulfil an order that was closed since.
  const order = await readOrder(orderId);
  if (order.status !== 'placed') {
    saga.enter(order.status === 'confirmed' ? 'confirmed' : 'cancelled', `order is already ${order.status}`);
    return { orderId, outcome: 'already closed', reason: `order is ${order.status}` };
  }

  const compensations = new Compensations();
  const steps: OrderSteps = { order, saga, compensations, step: stepsFor(correlationId, compensations) };
  try {
    await checkCustomer(steps);
    await prepareOrder(steps);
    await awaitDispatch(steps, input.dispatchDeadline ?? defaultDispatchDeadline);
    await completeOrder(steps);
    saga.enter('confirmed', `order ${orderId} confirmed`);
    return { orderId, outcome: 'confirmed' };
  } catch (error) {
    return compensate(error, input, saga, compensations);
  }
}

/** Undoes what was done, newest first, and cancels the order with why; a cancelled saga still does so. */
async function compensate(
  error: unknown,
  { orderId, correlationId }: OrderFulfillmentInput,
  saga: OrderSagaState,
  compensations: Compensations,
): Promise<OrderFulfillmentResult> {
  const cancelled = isCancellation(error);
  const reason = cancelled ? 'saga was cancelled' : reasonFor(error);
  if (reason === undefined) throw error;
  saga.enter('compensating', reason);
  saga.progress.cancelReason = reason;
  await compensations.run();
  saga.progress.compensations = compensations.completed;
  await CancellationScope.nonCancellable(() =>
    dispatch('cancel-order', { type: 'CancelOrder', data: { orderId, reason } }, correlationId, {
      summary: `CancelOrder: ${reason}`,
    }),
  );
  saga.enter('cancelled', `${reason}\n\nundone: ${compensations.completed.join(', ') || 'nothing'}`);
  if (cancelled) throw error;
  return { orderId, outcome: 'cancelled', reason };
}

function reasonFor(error: unknown): string | undefined {
  if (error instanceof SagaStopped) return error.reason;
  const rejection = rejectionOf(error);
  return rejection && `${rejection.code}: ${rejection.message}`;
}
