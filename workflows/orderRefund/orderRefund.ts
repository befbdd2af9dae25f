import { CancellationScope, isCancellation, setCurrentDetails, setHandler } from '@temporalio/workflow';
import { orderAggregate } from '../../domain/order/order';
import { Compensations, load, rejectionOf } from '../../engine/saga';
import { dispatch, stepsFor } from '../kit';
import {
  orderRefundProgressQuery,
  type OrderRefundInput,
  type OrderRefundProgress,
  type OrderRefundResult,
  type OrderRefundStep,
} from './contract';

/**
 * OrderRefundRequested → take each line's units back into stock → refund the payment → mark the order
 * refunded (OrderRefunded, which sagas downstream of an order react to). The payment refund is the step
 * that cannot be undone, so it comes after the one that can: a refund the provider refuses takes the
 * returned units back out, newest first, and abandons the refund with why; the order stays confirmed.
 */
export async function orderRefund({ orderId, correlationId }: OrderRefundInput): Promise<OrderRefundResult> {
  const progress: OrderRefundProgress = { orderId, step: 'starting', returnedSkus: [], compensations: [] };
  setHandler(orderRefundProgressQuery, () => progress);
  const enter = (step: OrderRefundStep, details?: string) => {
    progress.step = step;
    setCurrentDetails(`**${step}**${details ? `\n\n${details}` : ''}`);
  };

  // Read from the stream, not the event: a redelivered request after the refund ended must do nothing.
  const order = await load(orderAggregate, orderId);
  if (order.status !== 'refunding') {
    enter(order.status === 'refunded' ? 'refunded' : 'abandoned', `order is ${order.status}`);
    return { orderId, outcome: 'not refunding', reason: `order is ${order.status}` };
  }

  const compensations = new Compensations();
  const send = stepsFor(correlationId, compensations);
  // Command ids are `<workflowId>:<step>` and every run of one order's refund has the same workflow id:
  // the attempt in each step's name lets a refund asked again after an abandoned one act anew.
  const attempt = `attempt-${order.refundAttempts ?? 1}`;
  const step: typeof send = (definition) =>
    send({
      ...definition,
      name: `${attempt}:${definition.name}`,
      undo: definition.undo && { ...definition.undo, name: `${attempt}:${definition.undo.name}` },
    });
  try {
    for (const [index, line] of order.lines.entries()) {
      enter('returning stock', `line ${index + 1}/${order.lines.length}: ${line.quantity} × ${line.sku}`);
      await step({
        name: `return-stock:${index}`,
        command: { type: 'ReturnStock', data: { sku: line.sku, orderId, quantity: line.quantity } },
        summary: `ReturnStock ${line.quantity} × ${line.sku}`,
        undo: {
          name: `undo-return:${index}`,
          command: { type: 'UndoStockReturn', data: { sku: line.sku, orderId } },
          summary: `UndoStockReturn ${line.sku}`,
        },
      });
      progress.returnedSkus.push(line.sku);
    }
    enter('refunding payment', `${order.totalCents} cents ${order.currency}`);
    await step({
      name: 'refund-payment',
      command: { type: 'RefundPayment', data: { orderId } },
      summary: `RefundPayment ${order.totalCents} cents`,
    });
    enter('marking refunded');
    await step({ name: 'complete-refund', command: { type: 'CompleteRefund', data: { orderId } } });
    enter('refunded', `order ${orderId} refunded: ${order.refundReason}`);
    return { orderId, outcome: 'refunded' };
  } catch (error) {
    const cancelled = isCancellation(error);
    const rejection = rejectionOf(error);
    const reason = cancelled
      ? 'refund saga was cancelled'
      : rejection && `${rejection.code}: ${rejection.message}`;
    if (reason === undefined) throw error;
    enter('compensating', reason);
    progress.abandonReason = reason;
    await compensations.run();
    progress.compensations = compensations.completed;
    await CancellationScope.nonCancellable(() =>
      dispatch(
        `${attempt}:abandon-refund`,
        { type: 'AbandonRefund', data: { orderId, reason } },
        correlationId,
        {
          summary: `AbandonRefund: ${reason}`,
        },
      ),
    );
    enter('abandoned', `${reason}\n\nundone: ${compensations.completed.join(', ') || 'nothing'}`);
    if (cancelled) throw error;
    return { orderId, outcome: 'abandoned', reason };
  }
}
