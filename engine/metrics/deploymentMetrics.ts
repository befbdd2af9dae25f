import { Counter, Gauge, Registry } from 'prom-client';
import type { Pool } from 'pg';
import { visibilityHorizon } from '../eventstore/horizon';
import { subscriptionLags, waitingParkedEvents } from '../eventstore/operatorFigures';
import { addBulkTaskGauges, type BulkTaskGaugeOptions } from './bulkTaskGauges';

export interface DeploymentMetricsOptions {
  pool: Pool;
  /** With it, each running bulk task's progress is asked of its workflow at scrape time. */
  bulkTasks?: BulkTaskGaugeOptions;
}

/**
 * Figures about the whole deployment rather than this process: read from PostgreSQL (and Temporal for
 * bulk progress) when Prometheus scrapes, never on the paths that do the work, so a command costs no
 * extra statement. Any process may serve them and all of them give the same answer.
 */
export function createDeploymentMetrics(options: DeploymentMetricsOptions): Registry {
  const registry = new Registry();
  const failures = new Counter({
    name: 'procession_metrics_collect_failures_total',
    help: 'Scrapes that could not read a figure (the gauges it feeds are left out of that scrape), by source',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const failed = (source: string) => () => failures.inc({ source });
  addSubscriptionGauges(registry, options.pool, failed('checkpoints'));
  addParkedEventsGauge(registry, options.pool, failed('parked_events'));
  addHorizonStallGauge(registry, options.pool, failed('horizon'));
  if (options.bulkTasks) addBulkTaskGauges(registry, options.bulkTasks, failed('bulk_tasks'));
  return registry;
}

/** One read shared by the gauges collected in the same scrape (they are collected side by side). */
function sharedPerScrape<T>(read: () => Promise<T>, onFailure: () => void): () => Promise<T | undefined> {
  let inFlight: Promise<T | undefined> | undefined;
  return () =>
    (inFlight ??= read()
      .catch(() => {
        onFailure();
        return undefined;
      })
      .finally(() => (inFlight = undefined)));
}

/** Each checkpointed reader's position and lag, from one read of the checkpoints per scrape. */
function addSubscriptionGauges(registry: Registry, pool: Pool, onFailure: () => void): void {
  const lags = sharedPerScrape(() => subscriptionLags(pool), onFailure);

  const perSubscription = (
    name: string,
    help: string,
    value: (lag: Awaited<ReturnType<typeof subscriptionLags>>[number]) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['subscription'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const lag of (await lags()) ?? []) this.set({ subscription: lag.subscriptionId }, value(lag));
      },
    });
  perSubscription(
    'procession_subscription_checkpoint_position',
    'Global position of the last event a checkpointed reader (relay:sagas, projection:<name>) has handled',
    (lag) => Number(lag.checkpointPosition),
  );
  perSubscription(
    'procession_subscription_lag_positions',
    "Global positions between a reader's checkpoint and the log's last event (an upper bound on events to read)",
    (lag) => Number(lag.behindPositions),
  );
  perSubscription(
    'procession_subscription_lag_seconds',
    'Age of the oldest event a reader has not handled yet; 0 when it is caught up',
    (lag) => lag.behindSeconds,
  );
}

function addParkedEventsGauge(registry: Registry, pool: Pool, onFailure: () => void): void {
  new Gauge({
    name: 'procession_parked_events',
    help: 'Relay deliveries waiting for an operator: parked, or replay requested and not yet delivered',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const counts = await waitingParkedEvents(pool);
        for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
      } catch {
        onFailure();
      }
    },
  });
}

function addHorizonStallGauge(registry: Registry, pool: Pool, onFailure: () => void): void {
  new Gauge({
    name: 'procession_visibility_horizon_stall_seconds',
    help: 'How long an event append held open has kept every reader from reading past it; 0 when none does',
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const { heldBy } = await visibilityHorizon(pool);
        // NaN: held, but this database role may not see how long (pg_stat_activity of other sessions).
        this.set(heldBy ? (heldBy.ageMs === null ? Number.NaN : heldBy.ageMs / 1000) : 0);
      } catch {
        onFailure();
      }
    },
  });
}
