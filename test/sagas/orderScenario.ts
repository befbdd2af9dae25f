import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { OrderLine } from '../../domain/order/order';
import { fold } from '../../engine/aggregate/decider';
import { shop } from '../../domain/registry';
import { readStream } from '../../engine/eventstore/readStream';
import {
  orderFulfillmentWorkflowId,
  type OrderFulfillmentResult,
} from '../../workflows/orderFulfillment/contract';
import { eventually, type SagaHarness } from '../harness/sagaHarness';

export const okAddress = {
  name: 'Ada Lovelace',
  line1: '12 Analytical St',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
};

export async function registerCustomer(
  h: SagaHarness,
  status: 'active' | 'disabled' = 'active',
): Promise<string> {
  const customerId = `c-${randomUUID()}`;
  await h.send({ type: 'RegisterCustomer', data: { customerId, name: 'Ada', email: 'ada@example.com' } });
  if (status === 'disabled') await h.send({ type: 'DisableCustomer', data: { customerId, reason: 'fraud' } });
  return customerId;
}

export async function stock(h: SagaHarness, quantity: number): Promise<string> {
  const sku = `sku-${randomUUID()}`;
  await h.send({ type: 'ReceiveStock', data: { sku, quantity } });
  return sku;
}

export async function placeOrder(
  h: SagaHarness,
  order: { customerId: string; lines: OrderLine[]; paymentMethod?: string; country?: string },
): Promise<string> {
  const orderId = `o-${randomUUID()}`;
  await h.send({
    type: 'PlaceOrder',
    data: {
      orderId,
      customerId: order.customerId,
      lines: order.lines,
      paymentMethod: order.paymentMethod ?? 'pm_card_ok',
      shippingAddress: { ...okAddress, country: order.country ?? 'GB' },
    },
  });
  return orderId;
}

/** The saga the relay started for an order (it appears once the relay has read OrderPlaced). */
export function sagaOf(h: SagaHarness, orderId: string) {
  const handle = h.temporal.client.workflow.getHandle(orderFulfillmentWorkflowId(orderId));
  return {
    handle,
    started: () => eventually(() => handle.describe(), 30_000, `saga for ${orderId}`),
    result: async (): Promise<OrderFulfillmentResult> => {
      await eventually(() => handle.describe(), 30_000, `saga for ${orderId}`);
      return handle.result();
    },
    step: () => handle.query<{ step: string }>('progress').then((progress) => progress.step),
  };
}

export async function stateOf<T>(h: SagaHarness, streamId: string): Promise<T> {
  return fold(shop.aggregateForStream(streamId)!, (await readStream(h.db.pool, streamId)) as never) as T;
}

export async function eventTypes(h: SagaHarness, streamId: string): Promise<string[]> {
  return (await readStream(h.db.pool, streamId)).map((event) => event.type);
}

/** Every step undone after reserve, authorize and schedule had happened, and the order cancelled for `reason`. */
export async function expectFullyCompensated(
  h: SagaHarness,
  orderId: string,
  sku: string,
  reason: string,
): Promise<void> {
  expect(await eventTypes(h, `shipment-${orderId}`)).toEqual(['ShipmentScheduled', 'ShipmentCancelled']);
  expect(await eventTypes(h, `payment-${orderId}`)).toEqual(['PaymentAuthorized', 'PaymentVoided']);
  expect(await eventTypes(h, `inventory-${sku}`)).toEqual([
    'StockReceived',
    'StockReserved',
    'StockReleased',
  ]);
  expect(await stateOf(h, `order-${orderId}`)).toMatchObject({ status: 'cancelled', cancelReason: reason });
}

/** Whether the relay has started the order's saga (without waiting for it). */
export async function sagaExists(h: SagaHarness, orderId: string): Promise<boolean> {
  try {
    await h.temporal.client.workflow.getHandle(orderFulfillmentWorkflowId(orderId)).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
