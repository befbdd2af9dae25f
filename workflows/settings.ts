import type { Duration } from '@temporalio/common';

/** Knobs the shop's sagas take from the process (worker/settings.ts reads them from the environment). */
export interface TriggerSettings {
  dispatchDeadline?: Duration;
  bulkPageSize?: number;
  bulkPagesPerRun?: number;
}
