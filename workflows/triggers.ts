import type { Duration } from '@temporalio/common';
import type { OrderPlaced } from '../domain/order/order';
import type { ShipmentDispatched } from '../domain/shipment/shipment';
import type { DisableAllCustomersRequested } from '../domain/bulk/bulk';
import type { EventSignal } from './kit/eventSignal';
import {
  disableAllCustomersWorkflowId,
  disableAllCustomersWorkflowType,
} from './disableAllCustomers/contract';
import type { DisableAllCustomersInput } from './disableAllCustomers/contract';
import {
  orderFulfillmentWorkflowId,
  orderFulfillmentWorkflowType,
  shipmentDispatchedSignal,
} from './orderFulfillment/contract';
import type { OrderFulfillmentInput } from './orderFulfillment/contract';

/** The part of a logged event a trigger looks at. */
export interface TriggerEvent {
  eventId: string;
  type: string;
  streamId: string;
  /** xid8 as a decimal string; with globalPosition, the event's place in read order. */
  transactionId: string;
  /** bigint as a decimal string. */
  globalPosition: string;
  data: unknown;
  correlationId: string;
}

export interface TriggerSettings {
  dispatchDeadline?: Duration;
  bulkPageSize?: number;
  bulkPagesPerRun?: number;
}

/** What the relay asks Temporal to do for one event. */
export interface SagaDelivery {
  workflowType: string;
  workflowId: string;
  args: unknown[];
  /** Absent: start the saga (or find it running). Present: signal-with-start. */
  signal?: { name: string; args: unknown[] };
  searchAttributes: { sagaType: string; aggregateId: string; correlationId: string };
  /** Shown in the Temporal UI's list and header. */
  summary: string;
  details: string;
}

export interface Trigger {
  /** Stable name: parked and ignored deliveries are recorded under it. */
  name: string;
  eventType: string;
  /** Throws when the event cannot be turned into a delivery (it will be parked). */
  plan(event: TriggerEvent, settings: TriggerSettings): SagaDelivery;
}

function required<T>(value: T | undefined | null | '', what: string, event: TriggerEvent): T {
  if (value === undefined || value === null || value === '') {
    throw new Error(`${event.type} ${event.eventId} has no ${what}`);
  }
  return value;
}

function signalOf(event: TriggerEvent): EventSignal {
  return {
    eventId: event.eventId,
    eventType: event.type,
    streamId: event.streamId,
    globalPosition: event.globalPosition,
    correlationId: event.correlationId,
    data: event.data,
  };
}

/** The order saga for an order, however it is reached (started by OrderPlaced, or signalled). */
function orderSaga(orderId: string, event: TriggerEvent, settings: TriggerSettings) {
  const input: OrderFulfillmentInput = {
    orderId,
    correlationId: event.correlationId,
    dispatchDeadline: settings.dispatchDeadline,
  };
  return {
    workflowType: orderFulfillmentWorkflowType,
    workflowId: orderFulfillmentWorkflowId(orderId),
    args: [input],
    searchAttributes: {
      sagaType: orderFulfillmentWorkflowType,
      aggregateId: `order-${orderId}`,
      correlationId: event.correlationId,
    },
    summary: `Fulfil order ${orderId}`,
  };
}

export const triggers: readonly Trigger[] = [
  {
    name: 'order-placed-starts-fulfillment',
    eventType: 'OrderPlaced',
    plan(event, settings) {
      const data = event.data as Partial<OrderPlaced['data']>;
      const orderId = required(data?.orderId, 'orderId', event);
      return {
        ...orderSaga(orderId, event, settings),
        details: [
          `Started by **OrderPlaced** (event ${event.eventId}, position ${event.globalPosition}).`,
          `Customer ${data.customerId ?? '?'} · ${data.lines?.length ?? 0} line(s) · ${data.totalCents ?? '?'} cents · ${data.paymentMethod ?? '?'}`,
          'Steps: check customer → reserve stock per line → authorize payment → schedule shipment → wait for dispatch → capture → confirm. Failures compensate in reverse.',
        ].join('\n\n'),
      };
    },
  },
  {
    name: 'shipment-dispatched-signals-fulfillment',
    eventType: 'ShipmentDispatched',
    plan(event, settings) {
      const data = event.data as Partial<ShipmentDispatched['data']>;
      const orderId = required(data?.orderId, 'orderId', event);
      return {
        ...orderSaga(orderId, event, settings),
        signal: { name: shipmentDispatchedSignal.name, args: [signalOf(event)] },
        details: `Started by **ShipmentDispatched** (event ${event.eventId}); the saga loads the order itself.`,
      };
    },
  },
  {
    name: 'disable-all-customers-requested-starts-bulk',
    eventType: 'DisableAllCustomersRequested',
    plan(event, settings) {
      const data = event.data as Partial<DisableAllCustomersRequested['data']>;
      const bulkId = required(data?.bulkId, 'bulkId', event);
      // The set is "registered before this request": the request's own place in the log bounds it.
      const asOf = { transactionId: event.transactionId, globalPosition: event.globalPosition };
      const input: DisableAllCustomersInput = {
        bulkId,
        reason: data.reason ?? '',
        asOf,
        correlationId: event.correlationId,
        pageSize: settings.bulkPageSize,
        pagesPerRun: settings.bulkPagesPerRun,
      };
      return {
        workflowType: disableAllCustomersWorkflowType,
        workflowId: disableAllCustomersWorkflowId(bulkId),
        args: [input],
        searchAttributes: {
          sagaType: disableAllCustomersWorkflowType,
          aggregateId: `bulk-${bulkId}`,
          correlationId: event.correlationId,
        },
        summary: `Disable all customers (bulk ${bulkId})`,
        details: [
          `Started by **DisableAllCustomersRequested** (event ${event.eventId}).`,
          `Reason: ${data.reason ?? ''}`,
          `Customer set: every customer registered before this request in the log (position ${asOf.globalPosition}, transaction ${asOf.transactionId}).`,
          'Signals: pause, resume, cancel. Query: progress.',
        ].join('\n\n'),
      };
    },
  },
];

export function triggersFor(eventType: string): Trigger[] {
  return triggers.filter((trigger) => trigger.eventType === eventType);
}
