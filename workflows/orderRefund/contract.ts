import { defineQuery } from '@temporalio/workflow';

export const orderRefundWorkflowType = 'orderRefund';

export function orderRefundWorkflowId(orderId: string): string {
  return `order-refund:${orderId}`;
}

export interface OrderRefundInput {
  orderId: string;
  correlationId: string;
}

export type OrderRefundStep =
  | 'starting'
  | 'returning stock'
  | 'refunding payment'
  | 'marking refunded'
  | 'compensating'
  | 'refunded'
  | 'abandoned';

export interface OrderRefundProgress {
  orderId: string;
  step: OrderRefundStep;
  returnedSkus: string[];
  abandonReason?: string;
  compensations: string[];
}

export interface OrderRefundResult {
  orderId: string;
  outcome: 'refunded' | 'abandoned' | 'not refunding';
  reason?: string;
}

export const orderRefundProgressQuery = defineQuery<OrderRefundProgress>('progress');
