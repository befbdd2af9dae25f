import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { ShipmentDispatched } from '../../domain/shipment/shipment';
import type { EventSignalOf } from '../../engine/saga';

export const orderFulfillmentWorkflowType = 'orderFulfillment';

export function orderFulfillmentWorkflowId(orderId: string): string {
  return `order-fulfillment:${orderId}`;
}

export interface OrderFulfillmentInput {
  orderId: string;
  correlationId: string;
  /** How long to wait for ShipmentDispatched before compensating; ms or a duration string like '24h'. */
  dispatchDeadline?: Duration;
}

export type OrderSagaStep =
  | 'starting'
  | 'checking customer'
  | 'reserving stock'
  | 'authorizing payment'
  | 'scheduling shipment'
  | 'awaiting dispatch'
  | 'shipping stock'
  | 'capturing payment'
  | 'confirming order'
  | 'compensating'
  | 'confirmed'
  | 'cancelled';

export interface OrderSagaProgress {
  orderId: string;
  step: OrderSagaStep;
  reservedSkus: string[];
  cancelReason?: string;
  compensations: string[];
}

export interface OrderFulfillmentResult {
  orderId: string;
  outcome: 'confirmed' | 'cancelled' | 'already closed';
  reason?: string;
}

export const shipmentDispatchedSignal =
  defineSignal<[EventSignalOf<ShipmentDispatched>]>('shipmentDispatched');
export const orderProgressQuery = defineQuery<OrderSagaProgress>('progress');
