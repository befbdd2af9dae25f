import { orderAggregate } from '../../domain/order/order';
import { defineSaga } from '../kit';
import {
  orderFulfillmentWorkflowId,
  orderFulfillmentWorkflowType,
  shipmentDispatchedSignal,
} from './contract';
import { orderFulfillment } from './orderFulfillment';

export { orderFulfillment };

export const orderFulfillmentSaga = defineSaga({
  workflowType: orderFulfillmentWorkflowType,
  workflow: orderFulfillment,
  workflowId: orderFulfillmentWorkflowId,
  aggregateId: (orderId) => orderAggregate.streamId(orderId),
  summary: (orderId) => `Fulfil order ${orderId}`,
})
  .startedBy('OrderPlaced', {
    name: 'order-placed-starts-fulfillment',
    key: 'orderId',
    input: (event, settings, orderId) => ({
      orderId,
      correlationId: event.correlationId,
      dispatchDeadline: settings.dispatchDeadline,
    }),
    details: ({ data }) => [
      `Customer ${data.customerId} · ${data.lines?.length ?? 0} line(s) · ${data.totalCents} cents ${data.currency} · ${data.paymentMethod}`,
      'Steps: check customer → reserve stock per line → authorize payment → schedule shipment → wait for dispatch → capture → confirm. Failures compensate in reverse.',
    ],
  })
  .signalledBy('ShipmentDispatched', {
    name: 'shipment-dispatched-signals-fulfillment',
    key: 'orderId',
    signal: shipmentDispatchedSignal,
    input: (event, settings, orderId) => ({
      orderId,
      correlationId: event.correlationId,
      dispatchDeadline: settings.dispatchDeadline,
    }),
    details: () => ['The saga loads the order itself.'],
  });
