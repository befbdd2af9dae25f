import { orderAggregate } from '../../domain/order/order';
import { defineSaga } from '../kit';
import { orderRefundWorkflowId, orderRefundWorkflowType } from './contract';
import { orderRefund } from './orderRefund';

export { orderRefund };

export const orderRefundSaga = defineSaga({
  workflowType: orderRefundWorkflowType,
  workflow: orderRefund,
  workflowId: orderRefundWorkflowId,
  aggregateId: (orderId) => orderAggregate.streamId(orderId),
  summary: (orderId) => `Refund order ${orderId}`,
}).startedBy('OrderRefundRequested', {
  name: 'order-refund-requested-starts-refund',
  key: 'orderId',
  input: (event, _settings, orderId) => ({ orderId, correlationId: event.correlationId }),
  // A refund abandoned earlier may be asked for again; the saga reads the order first, so a redelivery
  // of an old request finds it not refunding and does nothing.
  whenFinished: 'startAgain',
  details: ({ data }) => [
    `Why: ${data.reason}`,
    'Steps: return each line to stock → refund the payment → mark the order refunded. A refused refund takes the stock back out and abandons the refund.',
  ],
});
