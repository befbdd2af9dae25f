import type { Pool } from 'pg';
import { readCommittedRange } from '../eventstore/readCommittedRange';
import type { LogPosition, StoredEvent } from '../eventstore/types';
import type { DeliveryOutcome } from './relay';
import type { Trigger } from './trigger';

export interface RescanReport {
  /** Where the rescan stopped: the relay's checkpoint when it began. Later events are the live relay's. */
  upTo: LogPosition;
  events: number;
  /** Started, found running (USE_EXISTING), or signalled; sagas drop an event id they have seen. */
  delivered: number;
  /** The saga had finished: never re-run. */
  alreadyFinished: number;
  parked: number;
  /** Events a trigger's `when` leaves alone. */
  skipped: number;
}

/** What a rescan delivers through: the relay's triggers and its one way of delivering an event. */
export interface RescanDelivery<Settings> {
  triggersFor(eventType: string): Trigger<Settings>[];
  deliver(
    event: StoredEvent,
    trigger: Trigger<Settings>,
    options: { recordIgnored: false; rescan: true },
  ): Promise<DeliveryOutcome>;
}

/** Delivers again every committed event from global position `from` up to `upTo` (see Relay.rescan). */
export async function rescanRange<Settings>(
  pool: Pool,
  relay: RescanDelivery<Settings>,
  from: string,
  upTo: LogPosition,
  onProgress?: (report: RescanReport) => void,
): Promise<RescanReport> {
  const report: RescanReport = { upTo, events: 0, delivered: 0, alreadyFinished: 0, parked: 0, skipped: 0 };
  for (let after: string | undefined; ;) {
    const events = await readCommittedRange(pool, { from, after, upTo }, 200);
    if (events.length === 0) return report;
    for (const event of events) {
      for (const trigger of relay.triggersFor(event.type)) {
        const outcome = await relay.deliver(event, trigger, { recordIgnored: false, rescan: true });
        if (outcome === 'ignored') report.alreadyFinished++;
        else report[outcome]++;
      }
      report.events++;
    }
    after = events[events.length - 1]!.globalPosition;
    onProgress?.(report);
  }
}
