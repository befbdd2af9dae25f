import type { ActivityOptions } from '@temporalio/common';
import {
  condition,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  CancellationScope,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { DomainCommand } from '../../domain/registry';
import type { OrderState } from '../../domain/order/order';
import { Compensations } from '../../engine/saga/compensations';
import { rejectionOf, SagaStopped } from '../../engine/saga/rejection';
import { stepsFor } from '../../engine/saga/step';
import { dispatch } from '../kit';
import {
  orderProgressQuery,
  shipmentDispatchedSignal,
  type OrderFulfillmentInput,
  type OrderFulfillmentResult,
  type OrderSagaProgress,
  type OrderSagaStep,
} from './contract';

const readOptions: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
};
const remoteReads = proxyActivities<Activities>(readOptions);
// Reads have no effect to repeat, so they run as local activities inside the workflow task.
const localReads = proxyLocalActivities<Activities>(readOptions);
// Sagas started before this marker replay their reads as regular activities.
const reads = () => (patched('order-reads-local') ? localReads : remoteReads);

export const defaultDispatchDeadline = '24 hours';

/**
 * OrderPlaced → customer must be active → reserve each line → authorize payment → schedule shipment →
 * wait for ShipmentDispatched (with a deadline) → ship the reserved stock → capture payment → confirm the
 * order. Any rejection, the deadline, or a cancellation undoes what was done, newest first, and cancels
 * the order with why.
 */
export async function orderFulfillment(input: OrderFulfillmentInput): Promise<OrderFulfillmentResult> {
  const { orderId, correlationId } = input;
  const progress: OrderSagaProgress = { orderId, step: 'starting', reservedSkus: [], compensations: [] };
  const seenEvents = new Set<string>();
  let dispatched = false;

  setHandler(orderProgressQuery, () => progress);
  // The relay delivers at least once; an event id seen before changes nothing.
  setHandler(shipmentDispatchedSignal, (event) => {
    if (seenEvents.has(event.eventId)) return;
    seenEvents.add(event.eventId);
    if (event.eventType === 'ShipmentDispatched') dispatched = true;
  });

  const enter = (step: OrderSagaStep, details?: string) => {
    progress.step = step;
    setCurrentDetails(`**${step}**${details ? `\n\n${details}` : ''}`);
  };

  enter('starting');
  const order: OrderState = await reads().loadOrder(orderId);
  // A redelivered OrderPlaced after the saga's history is gone must not fulfil the order again.
  if (order.status !== 'placed') {
    enter(order.status === 'confirmed' ? 'confirmed' : 'cancelled', `order is already ${order.status}`);
    return { orderId, outcome: 'already closed', reason: `order is ${order.status}` };
  }

  const compensations = new Compensations();
  const step = stepsFor<DomainCommand>(correlationId, compensations);
  try {
    enter('checking customer', `customer ${order.customerId}`);
    const customerStatus = await reads().loadCustomerStatus(order.customerId);
    if (customerStatus !== 'active') {
      throw new SagaStopped(
        `customer ${order.customerId} is ${customerStatus === 'none' ? 'unknown' : customerStatus}`,
      );
    }

    for (const [index, line] of order.lines.entries()) {
      enter('reserving stock', `line ${index + 1}/${order.lines.length}: ${line.quantity} × ${line.sku}`);
      await step({
        name: `reserve-stock:${index}`,
        command: { type: 'ReserveStock', data: { sku: line.sku, orderId, quantity: line.quantity } },
        summary: `ReserveStock ${line.quantity} × ${line.sku} (line ${index + 1}/${order.lines.length})`,
        undo: {
          name: `release-stock:${index}`,
          command: { type: 'ReleaseStock', data: { sku: line.sku, orderId } },
          summary: `ReleaseStock ${line.sku}`,
        },
      });
      progress.reservedSkus.push(line.sku);
    }

    enter('authorizing payment', `${order.totalCents} cents with ${order.paymentMethod}`);
    await step({
      name: 'authorize-payment',
      command: {
        type: 'AuthorizePayment',
        data: { orderId, amountCents: order.totalCents, paymentMethod: order.paymentMethod },
      },
      summary: `AuthorizePayment ${order.totalCents} cents`,
      undo: {
        name: 'void-payment',
        command: { type: 'VoidPayment', data: { orderId } },
        summary: 'VoidPayment',
      },
    });

    enter('scheduling shipment', `to ${order.shippingAddress.city}, ${order.shippingAddress.country}`);
    await step({
      name: 'schedule-shipment',
      command: { type: 'ScheduleShipment', data: { orderId, address: order.shippingAddress } },
      summary: `ScheduleShipment to ${order.shippingAddress.country}`,
      undo: {
        name: 'cancel-shipment',
        command: { type: 'CancelShipment', data: { orderId } },
        summary: 'CancelShipment',
      },
    });

    const deadline = input.dispatchDeadline ?? defaultDispatchDeadline;
    enter('awaiting dispatch', `waiting up to ${deadline} for ShipmentDispatched`);
    if (!(await condition(() => dispatched, deadline))) {
      throw new SagaStopped(`shipment was not dispatched within ${deadline}`);
    }
    // The goods have left: the shipment can no longer be cancelled, nor the stock released.
    compensations.drop('cancel-shipment');
    // Sagas that were waiting for dispatch before this step existed go on without it.
    if (patched('ship-stock-on-dispatch')) {
      for (const [index, line] of order.lines.entries()) {
        enter('shipping stock', `line ${index + 1}/${order.lines.length}: ${line.quantity} × ${line.sku}`);
        compensations.drop(`release-stock:${index}`);
        await step({
          name: `ship-stock:${index}`,
          command: { type: 'ShipStock', data: { sku: line.sku, orderId } },
          summary: `ShipStock ${line.quantity} × ${line.sku}`,
        });
      }
    }

    enter('capturing payment');
    // Once captured, the money is returned by a refund, not a void.
    compensations.drop('void-payment');
    await step({
      name: 'capture-payment',
      command: { type: 'CapturePayment', data: { orderId } },
      summary: `CapturePayment ${order.totalCents} cents`,
      undo: {
        name: 'refund-payment',
        command: { type: 'RefundPayment', data: { orderId } },
        summary: `RefundPayment ${order.totalCents} cents`,
      },
    });
    enter('confirming order');
    await step({
      name: 'confirm-order',
      command: { type: 'ConfirmOrder', data: { orderId } },
      summary: 'ConfirmOrder',
    });
    enter('confirmed', `order ${orderId} confirmed`);
    return { orderId, outcome: 'confirmed' };
  } catch (error) {
    const cancelled = isCancellation(error);
    const reason = cancelled ? 'saga was cancelled' : reasonFor(error);
    if (reason === undefined) throw error;
    enter('compensating', reason);
    progress.cancelReason = reason;
    await compensations.run();
    progress.compensations = compensations.completed;
    await CancellationScope.nonCancellable(() =>
      dispatch('cancel-order', { type: 'CancelOrder', data: { orderId, reason } }, correlationId, {
        summary: `CancelOrder: ${reason}`,
      }),
    );
    enter('cancelled', `${reason}\n\nundone: ${compensations.completed.join(', ') || 'nothing'}`);
    if (cancelled) throw error;
    return { orderId, outcome: 'cancelled', reason };
  }
}

function reasonFor(error: unknown): string | undefined {
  if (error instanceof SagaStopped) return error.reason;
  const rejection = rejectionOf(error);
  return rejection && `${rejection.code}: ${rejection.message}`;
}
