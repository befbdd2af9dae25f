import { setCurrentDetails, setHandler } from '@temporalio/workflow';
import {
  orderProgressQuery,
  shipmentDispatchedSignal,
  type OrderSagaProgress,
  type OrderSagaStep,
} from './contract';

/** What the order saga shows (progress query, current details) and what it has heard (dispatch). */
export interface OrderSagaState {
  readonly progress: OrderSagaProgress;
  /** ShipmentDispatched has arrived. */
  dispatched(): boolean;
  /** The saga moves to a step: the progress query and the UI's current details say so. */
  enter(step: OrderSagaStep, details?: string): void;
}

/** Sets the saga's query and signal handlers; call first, before the saga awaits anything. */
export function orderSagaState(orderId: string): OrderSagaState {
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

  return {
    progress,
    dispatched: () => dispatched,
    enter(step, details) {
      progress.step = step;
      setCurrentDetails(`**${step}**${details ? `\n\n${details}` : ''}`);
    },
  };
}
