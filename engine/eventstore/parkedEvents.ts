import type { Queryable } from './types';

export interface ParkedEvent {
  subscriptionId: string;
  eventId: string;
  /** bigint as a decimal string. */
  globalPosition: string;
  eventType: string;
  triggerName: string;
  reason: string;
  attempts: number;
  status: 'parked' | 'replay_requested' | 'replayed';
  parkedAt: Date;
  replayRequestedAt: Date | null;
  replayedAt: Date | null;
}

interface ParkedRow {
  subscription_id: string;
  event_id: string;
  global_position: string;
  event_type: string;
  trigger_name: string;
  reason: string;
  attempts: number;
  status: ParkedEvent['status'];
  parked_at: Date;
  replay_requested_at: Date | null;
  replayed_at: Date | null;
}

const toParked = (row: ParkedRow): ParkedEvent => ({
  subscriptionId: row.subscription_id,
  eventId: row.event_id,
  globalPosition: row.global_position,
  eventType: row.event_type,
  triggerName: row.trigger_name,
  reason: row.reason,
  attempts: row.attempts,
  status: row.status,
  parkedAt: row.parked_at,
  replayRequestedAt: row.replay_requested_at,
  replayedAt: row.replayed_at,
});

/** Parks an event a trigger could not deliver; parking it again (after a failed replay) updates the row. */
export async function parkEvent(
  db: Queryable,
  entry: Pick<
    ParkedEvent,
    'subscriptionId' | 'eventId' | 'globalPosition' | 'eventType' | 'triggerName' | 'reason' | 'attempts'
  >,
): Promise<void> {
  await db.query(
    `insert into parked_events (subscription_id, event_id, global_position, event_type, trigger_name, reason, attempts)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (subscription_id, event_id, trigger_name) do update
       set reason = excluded.reason, attempts = parked_events.attempts + excluded.attempts,
           status = 'parked', parked_at = now(), replay_requested_at = null`,
    [
      entry.subscriptionId,
      entry.eventId,
      entry.globalPosition,
      entry.eventType,
      entry.triggerName,
      entry.reason,
      entry.attempts,
    ],
  );
}

export async function listParkedEvents(
  db: Queryable,
  filter: { status?: ParkedEvent['status']; limit: number },
): Promise<ParkedEvent[]> {
  const result = await db.query<ParkedRow>(
    `select * from parked_events where ($1::text is null or status = $1)
     order by parked_at desc limit $2`,
    [filter.status ?? null, filter.limit],
  );
  return result.rows.map(toParked);
}

/** Marks a parked event for the relay to deliver again; returns how many trigger deliveries were marked. */
export async function requestReplay(db: Queryable, eventId: string): Promise<number> {
  const result = await db.query(
    `update parked_events set status = 'replay_requested', replay_requested_at = now()
     where event_id = $1 and status = 'parked'`,
    [eventId],
  );
  return result.rowCount ?? 0;
}

export async function pendingReplays(
  db: Queryable,
  subscriptionId: string,
  limit: number,
): Promise<ParkedEvent[]> {
  const result = await db.query<ParkedRow>(
    `select * from parked_events where subscription_id = $1 and status = 'replay_requested'
     order by global_position limit $2`,
    [subscriptionId, limit],
  );
  return result.rows.map(toParked);
}

export async function markReplayed(
  db: Queryable,
  entry: Pick<ParkedEvent, 'subscriptionId' | 'eventId' | 'triggerName'>,
): Promise<void> {
  await db.query(
    `update parked_events set status = 'replayed', replayed_at = now()
     where subscription_id = $1 and event_id = $2 and trigger_name = $3`,
    [entry.subscriptionId, entry.eventId, entry.triggerName],
  );
}

/** Records a delivery the relay decided not to make (the saga had already finished), with why. */
export async function recordIgnoredDelivery(
  db: Queryable,
  entry: { subscriptionId: string; eventId: string; triggerName: string; workflowId: string; reason: string },
): Promise<void> {
  await db.query(
    `insert into ignored_deliveries (subscription_id, event_id, trigger_name, workflow_id, reason)
     values ($1, $2, $3, $4, $5) on conflict do nothing`,
    [entry.subscriptionId, entry.eventId, entry.triggerName, entry.workflowId, entry.reason],
  );
}

export async function listIgnoredDeliveries(db: Queryable, limit: number) {
  const result = await db.query<{
    subscription_id: string;
    event_id: string;
    trigger_name: string;
    workflow_id: string;
    reason: string;
    recorded_at: Date;
  }>('select * from ignored_deliveries order by recorded_at desc limit $1', [limit]);
  return result.rows.map((row) => ({
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    triggerName: row.trigger_name,
    workflowId: row.workflow_id,
    reason: row.reason,
    recordedAt: row.recorded_at,
  }));
}
