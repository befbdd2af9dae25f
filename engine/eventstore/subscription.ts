import type { Pool, PoolClient } from 'pg';
import { eventsChannel } from './append';
import { moveCheckpoint } from './checkpoints';
import type { HeldBy, Horizon } from './horizon';
import { readLogAfterCheckpoint, readLogBelowHorizon, type LogRead } from './readLog';
import { StallReports } from './stallReports';
import { inTransaction } from './transaction';
import type { StoredEvent } from './types';

export interface SubscriptionOptions {
  /** Names the checkpoint and the advisory lock: one active reader per id. */
  subscriptionId: string;
  /**
   * Handles one batch. With `transactional`, `client` is the open transaction the checkpoint is saved in,
   * so the batch's writes and the checkpoint commit together. Without it, the checkpoint is saved after
   * the handler returns: a crash in between re-delivers the batch (at-least-once).
   */
  handleBatch(events: StoredEvent[], client: PoolClient | undefined): Promise<void>;
  /** Told once a batch and the checkpoint after it are saved (committed, with `transactional`). */
  onBatchDone?(events: StoredEvent[]): void;
  transactional: boolean;
  batchSize?: number;
  /** Read events without their metadata (`metadata` is then null): for handlers that do not look at it. */
  withoutMetadata?: boolean;
  /**
   * Deliver only events of these types (a relay: its triggers' types). The others are passed over by place
   * and type, many at a time, and the checkpoint moves past them all the same.
   */
  eventTypes?: readonly string[];
  /** Polling interval: the fallback when a NOTIFY is missed. */
  pollIntervalMs?: number;
  onError?(error: unknown): void;
  /** Called whenever this process gains or loses the subscription's lock. */
  onLeadershipChange?(active: boolean): void;
  /**
   * Called when an event append held open longer than `stallWarningMs` (default 5000) holds this reader
   * back: once when it crosses the threshold, then every 30 s while it lasts.
   */
  onStall?(heldBy: HeldBy): void;
  stallWarningMs?: number;
}

/**
 * Reads the log after its checkpoint and hands batches to a handler, waking on NOTIFY and polling as a
 * fallback. A session advisory lock makes it the only active reader of its subscription; another
 * process with the same id waits as a hot standby and takes over when the lock's connection goes away.
 */
export class LogSubscription {
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private lockClient?: PoolClient;
  private lockErrorListener?: () => void;
  private active = false;
  /** Set by a NOTIFY; a notification that lands while a batch is being read must not be lost. */
  private notified = false;
  private readonly onNotification = () => {
    this.notified = true;
    this.wake?.();
  };
  /** Set when the LISTEN connection dies: wake-ups would stop, so it is replaced. */
  private listenerLost = false;
  private readonly onListenerError = (error: unknown) => {
    this.listenerLost = true;
    this.options.onError?.(error);
    this.wake?.();
  };

  private readonly stalls: StallReports;

  constructor(
    private readonly pool: Pool,
    private readonly options: SubscriptionOptions,
  ) {
    this.stalls = new StallReports(options.stallWarningMs ?? 5_000, options.onStall);
  }

  get isActive(): boolean {
    return this.active;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Processes batches until the log has nothing more to give right now (or `maxBatches`). For tests and rebuilds. */
  async catchUp(maxBatches = Infinity): Promise<number> {
    let processed = 0;
    for (let batches = 0; batches < maxBatches; batches += 1) {
      const { count, moved } = await this.processOneBatch();
      processed += count;
      if (!moved) break;
    }
    return processed;
  }

  private async run(): Promise<void> {
    const pollIntervalMs = this.options.pollIntervalMs ?? 1_000;
    while (this.running) {
      try {
        await this.acquireLock(pollIntervalMs);
        if (!this.running) break;
        const listener = await this.listen();
        try {
          while (this.running && this.lockClient && !this.listenerLost) {
            this.notified = false;
            const batch = await this.processOneBatch();
            // A NOTIFY heard during the read found no sleep to wake: go on reading.
            if (batch.moved || this.notified) continue;
            // By the horizon the empty read stopped at, never a later look: an append that held it and
            // ended without a NOTIFY (nothing appended, rolled back) would look like no hold at all.
            const heldBack = this.stalls.heldBack(batch.horizon);
            await this.sleep(heldBack ? Math.min(pollIntervalMs, 50) : pollIntervalMs);
          }
        } finally {
          await this.release(listener);
        }
      } catch (error) {
        this.options.onError?.(error);
        await this.sleep(pollIntervalMs);
      }
    }
    await this.releaseLock();
  }

  /** The next batch, read on another connection while the current one is applied (a full batch only). */
  private prefetch?: Promise<LogRead>;

  private get readOptions() {
    return { withoutMetadata: this.options.withoutMetadata, eventTypes: this.options.eventTypes };
  }

  /**
   * Handles one batch; an empty one answers the horizon its read stopped at. The checkpoint, the horizon
   * and the batch come from one statement, outside any transaction, so a read that finds nothing costs one
   * round trip; a batch then moves the checkpoint only if it is still where the read found it (a reset or
   * a rescan in between makes it read again from what is stored).
   */
  private async processOneBatch(): Promise<{ count: number; moved?: boolean; horizon?: Horizon }> {
    const { subscriptionId, batchSize = 100 } = this.options;
    const read = await this.nextRead(batchSize);
    const { events, readThrough } = read;
    if (!readThrough) return { count: 0, horizon: read.horizon };
    if (this.options.transactional) {
      const applied = await inTransaction(this.pool, async (client) => {
        if (!(await moveCheckpoint(client, subscriptionId, read.from, readThrough))) return false;
        // Behind by more than a batch (a rebuild, a backlog): read the next one while this one is applied.
        if (events.length === batchSize) {
          this.prefetch = readLogBelowHorizon(this.pool, readThrough, batchSize, this.readOptions);
          this.prefetch.catch(() => {}); // a failed prefetch is read again
        }
        if (events.length > 0) await this.options.handleBatch(events, client);
        return true;
      });
      if (!applied) return this.superseded();
    } else {
      if (events.length > 0) await this.options.handleBatch(events, undefined);
      // Delivered either way: a checkpoint reset meanwhile only means these are delivered again.
      if (!(await moveCheckpoint(this.pool, subscriptionId, read.from, readThrough)))
        return this.superseded();
    }
    if (events.length > 0) this.options.onBatchDone?.(events);
    return { count: events.length, moved: true };
  }

  /** The checkpoint was moved or reset under this batch: nothing of it was committed; read again. */
  private superseded(): { count: number; moved: boolean } {
    this.prefetch = undefined;
    return { count: 0, moved: true };
  }

  /**
   * The prefetched batch when it read something (events below the horizon never change, and the move of
   * the checkpoint checks it starts where the batch does), else a read from the stored checkpoint. An empty
   * prefetch is read again: events committed since it ran may have notified before this loop began
   * listening for the next wake-up.
   */
  private async nextRead(batchSize: number): Promise<LogRead> {
    const prefetched = this.prefetch;
    this.prefetch = undefined;
    const read = await prefetched?.catch(() => undefined);
    if (read?.readThrough) return read;
    return readLogAfterCheckpoint(this.pool, this.options.subscriptionId, batchSize, this.readOptions);
  }

  private async acquireLock(pollIntervalMs: number): Promise<void> {
    while (this.running && !this.lockClient) {
      const client = await this.pool.connect();
      // A dropped lock connection means another process may now hold the lock: stop reading at once.
      const onError = () => this.loseLock(client);
      client.on('error', onError);
      let locked = false;
      try {
        const result = await client.query<{ locked: boolean }>(
          'select pg_try_advisory_lock(hashtext($1)) as locked',
          [`procession:subscription:${this.options.subscriptionId}`],
        );
        locked = result.rows[0]?.locked ?? false;
      } finally {
        if (!locked) {
          client.release();
          // Removed after release: the pool has its own error listener on idle clients again by then.
          client.off('error', onError);
        }
      }
      if (locked) {
        this.lockClient = client;
        this.lockErrorListener = onError;
        this.setActive(true);
        return;
      }
      await this.sleep(pollIntervalMs);
    }
  }

  private loseLock(client: PoolClient): void {
    if (this.lockClient !== client) return;
    this.lockClient = undefined;
    this.setActive(false);
    client.release(true);
    this.detachLockListener(client);
    this.wake?.();
  }

  private async releaseLock(): Promise<void> {
    const client = this.lockClient;
    if (!client) return;
    this.lockClient = undefined;
    this.setActive(false);
    try {
      await client.query('select pg_advisory_unlock(hashtext($1))', [
        `procession:subscription:${this.options.subscriptionId}`,
      ]);
      client.release();
    } catch {
      client.release(true);
    } finally {
      this.detachLockListener(client);
    }
  }

  private detachLockListener(client: PoolClient): void {
    if (this.lockErrorListener) client.off('error', this.lockErrorListener);
    this.lockErrorListener = undefined;
  }

  private setActive(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    this.options.onLeadershipChange?.(active);
  }

  private async listen(): Promise<PoolClient> {
    const client = await this.pool.connect();
    this.listenerLost = false;
    client.on('notification', this.onNotification);
    client.on('error', this.onListenerError);
    try {
      await client.query(`listen ${eventsChannel}`);
    } catch (error) {
      await this.release(client, true);
      throw error;
    }
    return client;
  }

  private async release(listener: PoolClient, broken = this.listenerLost): Promise<void> {
    try {
      if (broken) throw new Error('listener connection lost');
      await listener.query(`unlisten ${eventsChannel}`);
      listener.release();
    } catch {
      listener.release(true);
    } finally {
      listener.off('notification', this.onNotification);
      listener.off('error', this.onListenerError);
    }
  }

  private sleep(ms: number): Promise<void> {
    // stop() may have run while a query was in flight, when there was no sleep to wake.
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
