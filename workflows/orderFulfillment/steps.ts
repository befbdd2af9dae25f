import type { Duration } from '@temporalio/common';
import { condition, patched } from '@temporalio/workflow';
import type { OrderState } from '../../domain/order/order';
import type { Compensations } from '../../engine/saga';
import { SagaStopped } from '../../engine/saga';
import type { stepsFor } from '../kit';
import { shipStockOnDispatchPatch } from '../patches';
import type { OrderSagaState } from './progress';
import { readCustomerStatus } from './reads';

/** The order saga's context for its steps: the order as placed, where it reports, how it sends. */
export interface OrderSteps {
  order: OrderState;
  saga: OrderSagaState;
  compensations: Compensations;
  step: ReturnType<typeof stepsFor>;
}

export async function checkCustomer({ order, saga }: OrderSteps): Promise<void> {
  saga.enter('checking customer', `customer ${order.customerId}`);
  const status = await readCustomerStatus(order.customerId);
  if (status !== 'active')
    throw new SagaStopped(`customer ${order.customerId} is ${status === 'none' ? 'unknown' : status}`);
}

/** Reserves each line, authorizes the payment and schedules the shipment, each with its undo. */
export async function prepareOrder({ order, saga, step }: OrderSteps): Promise<void> {
  const { orderId, lines } = order;
  for (const [index, line] of lines.entries()) {
    saga.enter('reserving stock', `line ${index + 1}/${lines.length}: ${line.quantity} × ${line.sku}`);
    await step({
      name: `reserve-stock:${index}`,
      command: { type: 'ReserveStock', data: { sku: line.sku, orderId, quantity: line.quantity } },
      summary: `ReserveStock ${line.quantity} × ${line.sku} (line ${index + 1}/${lines.length})`,
      undo: {
        name: `release-stock:${index}`,
        command: { type: 'ReleaseStock', data: { sku: line.sku, orderId } },
        summary: `ReleaseStock ${line.sku}`,
      },
    });
    saga.progress.reservedSkus.push(line.sku);
  }

  saga.enter('authorizing payment', `${order.totalCents} cents with ${order.paymentMethod}`);
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

  saga.enter('scheduling shipment', `to ${order.shippingAddress.city}, ${order.shippingAddress.country}`);
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
}

/** Waits for ShipmentDispatched until the deadline; then the shipment can no longer be cancelled. */
export async function awaitDispatch({ saga, compensations }: OrderSteps, deadline: Duration): Promise<void> {
  saga.enter('awaiting dispatch', `waiting up to ${deadline} for ShipmentDispatched`);
  if (!(await condition(saga.dispatched, deadline)))
    throw new SagaStopped(`shipment was not dispatched within ${deadline}`);
  compensations.drop('cancel-shipment');
}

/** The goods have left: ship the reserved stock, capture the payment, confirm the order. */
export async function completeOrder({ order, saga, compensations, step }: OrderSteps): Promise<void> {
  const { orderId, lines } = order;
  // Sagas that were waiting for dispatch before this step existed go on without it.
  if (patched(shipStockOnDispatchPatch)) {
    for (const [index, line] of lines.entries()) {
      saga.enter('shipping stock', `line ${index + 1}/${lines.length}: ${line.quantity} × ${line.sku}`);
      // Shipped stock is gone from the warehouse: there is nothing left to release.
      compensations.drop(`release-stock:${index}`);
      await step({
        name: `ship-stock:${index}`,
        command: { type: 'ShipStock', data: { sku: line.sku, orderId } },
        summary: `ShipStock ${line.quantity} × ${line.sku}`,
      });
    }
  }

  saga.enter('capturing payment');
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
  saga.enter('confirming order');
  await step({
    name: 'confirm-order',
    command: { type: 'ConfirmOrder', data: { orderId } },
    summary: 'ConfirmOrder',
  });
}
