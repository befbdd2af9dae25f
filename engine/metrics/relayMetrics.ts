import { Counter, Histogram } from 'prom-client';
import { processRegistry } from './processRegistry';

const relayLag = new Histogram({
  name: 'procession_relay_lag_seconds',
  help: "From an event's append to Temporal accepting the saga start or signal it triggers, by trigger",
  labelNames: ['trigger'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [processRegistry],
});

const deliveries = new Counter({
  name: 'procession_relay_deliveries_total',
  help: 'Trigger deliveries by this process: delivered, ignored (saga finished), parked, skipped (when), error',
  labelNames: ['trigger', 'outcome'] as const,
  registers: [processRegistry],
});

export function observeRelayLag(trigger: string, recordedAt: Date): void {
  relayLag.observe({ trigger }, Math.max(0, (Date.now() - recordedAt.getTime()) / 1000));
}

export function countDelivery(trigger: string, outcome: string): void {
  deliveries.inc({ trigger, outcome });
}
