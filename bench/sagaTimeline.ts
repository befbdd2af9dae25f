import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { Pool } from 'pg';
import { orderFulfillmentWorkflowId } from '../workflows/orderFulfillment/contract';
import type { DevServer } from '../engine/temporal/devServer';
import { ms } from './historyProfile';
import { median } from './stats';

/** Where an order saga's time went, OrderPlaced → its ScheduleShipment completed, each part a median. */
export interface SagaTimeline {
  sagas: number;
  /** OrderPlaced committed → the workflow started (the relay and the start call). */
  relayMs: number;
  /** Workflow tasks waiting for a worker to pick them up, summed per saga. */
  workflowTaskQueueMs: number;
  /** Workflow tasks running on the worker (the local reads run inside them), summed per saga. */
  workflowTaskRunMs: number;
  /** Activities waiting for a worker slot, summed per saga. */
  activityQueueMs: number;
  /** Activities running (each a command through the handler), summed per saga. */
  activityRunMs: number;
  /** From the log: OrderPlaced → StockReserved → PaymentAuthorized → ShipmentScheduled, each gap a median. */
  stepsMs: { reserve: number; authorize: number; schedule: number };
}

type Parts = Omit<SagaTimeline, 'sagas' | 'stepsMs'>;

/**
 * Reads the sagas' histories and splits each one's time into the relay, workflow tasks (waiting and
 * running) and activities (waiting and running), up to the completion of its ScheduleShipment; one clock,
 * the machine's, for the database and the Temporal server. Samples at most `sample` orders.
 */
export async function sagaTimeline(
  server: DevServer,
  pool: Pool,
  orderIds: readonly string[],
  sample = 100,
): Promise<SagaTimeline> {
  const chosen = orderIds.filter(
    (_, index) => index % Math.max(1, Math.ceil(orderIds.length / sample)) === 0,
  );
  const placed = await pool.query<{ id: string; at_ms: number }>(
    `select substr(stream_id, 7) as id, extract(epoch from recorded_at)::float8 * 1000 as at_ms
       from events where event_type = 'OrderPlaced' and stream_id = any($1::text[])`,
    [chosen.map((id) => `order-${id}`)],
  );
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  try {
    const parts: Parts[] = [];
    for (const { id, at_ms } of placed.rows) {
      const history = await client.workflow.getHandle(orderFulfillmentWorkflowId(id)).fetchHistory();
      parts.push(partsOf(history.events ?? [], at_ms));
    }
    const middle = (key: keyof Parts) => median(parts.map((part) => part[key]));
    return {
      sagas: parts.length,
      relayMs: middle('relayMs'),
      workflowTaskQueueMs: middle('workflowTaskQueueMs'),
      workflowTaskRunMs: middle('workflowTaskRunMs'),
      activityQueueMs: middle('activityQueueMs'),
      activityRunMs: middle('activityRunMs'),
      stepsMs: await stepGaps(pool, chosen),
    };
  } finally {
    await connection.close();
  }
}

/** The gaps between the saga's events in the log: its order's, payment's and shipment's streams, and its line's stock. */
async function stepGaps(pool: Pool, orderIds: readonly string[]): Promise<SagaTimeline['stepsMs']> {
  const rows = await pool.query<{ reserve: number; authorize: number; schedule: number }>(
    `with placed as (
       select substr(stream_id, 7) as order_id, data->'lines'->0->>'sku' as sku, recorded_at as at
         from events where event_type = 'OrderPlaced' and stream_id = any($1::text[])
     ), steps as (
       select p.at,
              (select min(recorded_at) from events where stream_id = 'inventory-' || p.sku
                  and event_type = 'StockReserved' and data->>'orderId' = p.order_id) as reserved,
              (select min(recorded_at) from events where stream_id = 'payment-' || p.order_id
                  and event_type = 'PaymentAuthorized') as authorized,
              (select min(recorded_at) from events where stream_id = 'shipment-' || p.order_id
                  and event_type = 'ShipmentScheduled') as scheduled
         from placed p
     )
     select extract(epoch from reserved - at)::float8 * 1000 as reserve,
            extract(epoch from authorized - reserved)::float8 * 1000 as authorize,
            extract(epoch from scheduled - authorized)::float8 * 1000 as schedule
       from steps`,
    [orderIds.map((id) => `order-${id}`)],
  );
  const middle = (key: 'reserve' | 'authorize' | 'schedule') => median(rows.rows.map((row) => row[key]));
  return { reserve: middle('reserve'), authorize: middle('authorize'), schedule: middle('schedule') };
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

function partsOf(events: readonly HistoryEvent[], placedAtMs: number): Parts {
  const parts: Parts = {
    relayMs: 0,
    workflowTaskQueueMs: 0,
    workflowTaskRunMs: 0,
    activityQueueMs: 0,
    activityRunMs: 0,
  };
  const at = new Map<string, number>();
  const summaries = new Map<string, string>();
  for (const event of events) {
    const time = ms(event.eventTime);
    at.set(String(event.eventId), time);
    if (event.workflowExecutionStartedEventAttributes) parts.relayMs = time - placedAtMs;
    const wftStarted = event.workflowTaskStartedEventAttributes;
    if (wftStarted) parts.workflowTaskQueueMs += time - at.get(String(wftStarted.scheduledEventId))!;
    const wftCompleted = event.workflowTaskCompletedEventAttributes;
    if (wftCompleted) parts.workflowTaskRunMs += time - at.get(String(wftCompleted.startedEventId))!;
    const scheduled = event.activityTaskScheduledEventAttributes;
    // The summary names the command; the activity's own type is the same for every command.
    if (scheduled)
      summaries.set(String(event.eventId), Buffer.from(event.userMetadata?.summary?.data ?? []).toString());
    const started = event.activityTaskStartedEventAttributes;
    if (started) parts.activityQueueMs += time - at.get(String(started.scheduledEventId))!;
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      parts.activityRunMs += time - at.get(String(completed.startedEventId))!;
      if (summaries.get(String(completed.scheduledEventId))?.includes('ScheduleShipment')) break;
    }
  }
  return parts;
}

export function describeTimeline(timeline: SagaTimeline): string {
  const round = (value: number) => value.toFixed(0);
  return (
    `relay ${round(timeline.relayMs)}, workflow tasks (their local activities inside) waiting ${round(timeline.workflowTaskQueueMs)} / running ` +
    `${round(timeline.workflowTaskRunMs)}, activities waiting ${round(timeline.activityQueueMs)} / running ` +
    `${round(timeline.activityRunMs)} ms; placed → reserved ${round(timeline.stepsMs.reserve)}, → authorized ` +
    `${round(timeline.stepsMs.authorize)}, → scheduled ${round(timeline.stepsMs.schedule)} ms (medians of ${timeline.sagas})`
  );
}
