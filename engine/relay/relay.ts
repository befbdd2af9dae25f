import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { markReplayed, parkEvent, pendingReplays, recordIgnoredDelivery } from '../eventstore/parkedEvents';
import { readEventById } from '../eventstore/readEvent';
import { LogSubscription } from '../eventstore/subscription';
import { loadCheckpoint } from '../eventstore/checkpoints';
import type { StoredEvent } from '../eventstore/types';
import { countDelivery, observeRelayLag } from '../metrics/relayMetrics';
import { inDeliverySpan } from './deliverySpan';
import { groupInOrder, runLanes } from './lanes';
import { rescanRange, type RescanReport } from './rescan';
import { describeFailure, isUnavailable, startOrSignal } from './sagaStart';
import { triggerEventOf, type SagaDelivery, type Trigger } from './trigger';

export const relaySubscriptionId = 'relay:sagas';

export interface RelayOptions<Settings = unknown> {
  taskQueue: string;
  /** What turns events into saga starts and signals: the application's sagas' triggers (triggersOf). */
  triggers: readonly Trigger<Settings>[];
  settings?: Settings;
  subscriptionId?: string;
  /** Attempts per delivery before the event is parked. */
  maxAttempts?: number;
  retryDelayMs?: number;
  pollIntervalMs?: number;
  batchSize?: number;
  /**
   * Deliveries in flight at once within a batch (default 32). Deliveries to one workflow id stay in log
   * order, one at a time; different sagas are started side by side.
   */
  deliveryConcurrency?: number;
  /** How long an event append may hold the relay back before it says so (default 5000). */
  stallWarningMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export type { RescanReport } from './rescan';

export const stallMessage = 'an event append held open holds the readers back (pid, transaction, age in ms)';

/** `skipped`: the trigger's `when` left this event alone. */
export type DeliveryOutcome = 'delivered' | 'ignored' | 'parked' | 'skipped';

/**
 * Reads the event log after its checkpoint and turns events into saga starts and signals through the application's triggers (engine/saga/defineSaga.ts).
 * At-least-once from the log, exactly-once in effect: workflow ids come from the event's aggregate, starts
 * reuse a running saga (USE_EXISTING) and never re-run a finished one (REJECT_DUPLICATE), and sagas drop
 * signals whose event id they have seen. The checkpoint moves only after Temporal accepted the batch.
 * While Temporal is unreachable the relay stops and retries the batch; an event a trigger keeps failing
 * on is parked with the error and the relay moves on.
 */
export class Relay<Settings = unknown> {
  readonly subscription: LogSubscription;
  private readonly subscriptionId: string;

  constructor(
    private readonly pool: Pool,
    private readonly client: Client,
    private readonly options: RelayOptions<Settings>,
  ) {
    this.subscriptionId = options.subscriptionId ?? relaySubscriptionId;
    this.subscription = new LogSubscription(pool, {
      subscriptionId: this.subscriptionId,
      transactional: false,
      batchSize: options.batchSize ?? 100,
      // Only what some trigger wants: a bulk task's thousands of other events are passed over by index.
      eventTypes: [...new Set(options.triggers.map((trigger) => trigger.eventType))],
      pollIntervalMs: options.pollIntervalMs,
      handleBatch: (events) => this.deliverBatch(events),
      onError: (error) =>
        this.log('relay batch failed; retrying from the checkpoint', { error: String(error) }),
      onLeadershipChange: (active) => this.log(active ? 'relay is active' : 'relay is on standby'),
      onStall: (heldBy) => this.log(stallMessage, { ...heldBy }),
      stallWarningMs: options.stallWarningMs,
    });
  }

  private replayTimer?: NodeJS.Timeout;
  private replaying?: Promise<void>;

  start(): void {
    this.subscription.start();
    // Replays are looked for on a timer of their own, not after every batch: a request is rare, and a
    // look per batch is a round trip on the path from an event to its saga.
    this.replayTimer = setInterval(() => {
      if (this.subscription.isActive)
        void this.replayRequested().catch((error) => this.log('replay failed', { error: String(error) }));
    }, this.options.pollIntervalMs ?? 1_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.replayTimer);
    await this.subscription.stop();
    await this.replaying;
  }

  /** Delivers everything pending, including requested replays; for tests and one-shot runs. */
  async catchUp(): Promise<void> {
    await this.subscription.catchUp();
    await this.replayRequested();
  }

  /**
   * Delivers again every event from global position `from` up to the relay's checkpoint: the repair for
   * a log whose relay skipped events (as readers before the xid8 ordering fix did when transaction ids
   * gained a digit). Idempotent like every delivery: a saga that exists is found or left alone, a
   * finished one is never re-run, and sagas drop signals whose event id they have seen. Safe beside a
   * running relay.
   */
  async rescan(from: string, onProgress?: (report: RescanReport) => void): Promise<RescanReport> {
    const upTo = await loadCheckpoint(this.pool, this.subscriptionId);
    return rescanRange(this.pool, this, from, upTo, onProgress);
  }

  triggersFor(eventType: string): Trigger<Settings>[] {
    return this.options.triggers.filter((trigger) => trigger.eventType === eventType);
  }

  /**
   * The checkpoint moves after this returns, so every delivery of the batch has been accepted by then;
   * if one fails (Temporal unreachable) the whole batch is retried, which starts and signals nothing twice.
   */
  private async deliverBatch(events: StoredEvent[]): Promise<void> {
    const deliveries = events.flatMap((event) =>
      this.triggersFor(event.type).map((trigger) => ({ event, trigger })),
    );
    const lanes = groupInOrder(deliveries, ({ event, trigger }) => this.laneOf(event, trigger));
    await runLanes(
      lanes.map((lane) => async () => {
        for (const { event, trigger } of lane) await this.deliver(event, trigger);
      }),
      this.options.deliveryConcurrency ?? 32,
    );
  }

  /** Deliveries to one workflow share a lane, so its start and signals arrive in log order. */
  private laneOf(event: StoredEvent, trigger: Trigger<Settings>): string {
    try {
      return trigger.plan(triggerEventOf(event), this.options.settings ?? ({} as Settings)).workflowId;
    } catch {
      return `unplannable:${event.eventId}`; // parked on delivery; alone in its lane
    }
  }

  /** Delivers parked events that someone asked to replay (POST /parked-events/:id/replay). */
  private replayRequested(): Promise<void> {
    this.replaying ??= this.replayPending().finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  private async replayPending(): Promise<void> {
    for (const parked of await pendingReplays(this.pool, this.subscriptionId, 50)) {
      const event = await readEventById(this.pool, parked.eventId);
      const trigger = this.triggersFor(parked.eventType).find(
        (candidate) => candidate.name === parked.triggerName,
      );
      if (!event || !trigger) {
        await parkEvent(this.pool, {
          ...parked,
          reason: `replay failed: ${!event ? 'event' : 'trigger'} no longer exists`,
          attempts: 0,
        });
        continue;
      }
      // A failed replay parks the event again (status back to parked, attempts added up).
      if ((await this.deliver(event, trigger)) !== 'parked') await markReplayed(this.pool, parked);
    }
  }

  /**
   * `recordIgnored: false` keeps a rescan from filling ignored_deliveries with every finished saga;
   * `rescan` keeps its redeliveries of old events out of the relay-lag histogram.
   */
  async deliver(
    event: StoredEvent,
    trigger: Trigger<Settings>,
    options: { recordIgnored?: boolean; rescan?: boolean } = {},
  ): Promise<DeliveryOutcome> {
    return inDeliverySpan(event, trigger.name, () => this.countedDelivery(event, trigger, options));
  }

  private async countedDelivery(
    event: StoredEvent,
    trigger: Trigger<Settings>,
    options: { recordIgnored?: boolean; rescan?: boolean },
  ): Promise<DeliveryOutcome> {
    try {
      const outcome = await this.attemptDelivery(event, trigger, options);
      countDelivery(trigger.name, outcome);
      return outcome;
    } catch (error) {
      countDelivery(trigger.name, 'error');
      throw error;
    }
  }

  private async attemptDelivery(
    event: StoredEvent,
    trigger: Trigger<Settings>,
    options: { recordIgnored?: boolean; rescan?: boolean },
  ): Promise<DeliveryOutcome> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    let lastError: unknown;
    let delivery: SagaDelivery;
    try {
      const triggerEvent = triggerEventOf(event);
      if (trigger.appliesTo && !trigger.appliesTo(triggerEvent)) return 'skipped';
      // Settings are optional knobs; a saga's input builder supplies its own defaults.
      delivery = trigger.plan(triggerEvent, this.options.settings ?? ({} as Settings));
    } catch (error) {
      // The event itself cannot be delivered: retrying will not change that.
      return this.park(event, trigger, error, 1);
    }
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        await this.send(delivery, event);
        if (!options.rescan) observeRelayLag(trigger.name, event.recordedAt);
        return 'delivered';
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) {
          if (options.recordIgnored === false) return 'ignored';
          await recordIgnoredDelivery(this.pool, {
            subscriptionId: this.subscriptionId,
            eventId: event.eventId,
            triggerName: trigger.name,
            workflowId: delivery.workflowId,
            reason: 'saga already finished; a finished saga is never re-run',
          });
          this.log('delivery ignored: saga already finished', {
            eventId: event.eventId,
            workflowId: delivery.workflowId,
          });
          return 'ignored';
        }
        // Temporal being down is not the event's fault: fail the batch so the checkpoint stays put.
        if (isUnavailable(error)) throw error;
        lastError = error;
        if (attempt < maxAttempts) await sleep((this.options.retryDelayMs ?? 200) * 2 ** (attempt - 1));
      }
    }
    return this.park(event, trigger, lastError, maxAttempts);
  }

  private async send(delivery: SagaDelivery, event: StoredEvent): Promise<void> {
    await startOrSignal(this.client, this.options.taskQueue, delivery);
    this.log('delivered', { eventId: event.eventId, type: event.type, workflowId: delivery.workflowId });
  }

  private async park(
    event: StoredEvent,
    trigger: Trigger<Settings>,
    error: unknown,
    attempts: number,
  ): Promise<DeliveryOutcome> {
    const reason = describeFailure(error);
    await parkEvent(this.pool, {
      subscriptionId: this.subscriptionId,
      eventId: event.eventId,
      globalPosition: event.globalPosition,
      eventType: event.type,
      triggerName: trigger.name,
      reason,
      attempts,
    });
    this.log('event parked', { eventId: event.eventId, trigger: trigger.name, reason });
    return 'parked';
  }

  private log(message: string, fields?: Record<string, unknown>): void {
    this.options.log?.(message, fields);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
