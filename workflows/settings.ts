import type { Duration } from '@temporalio/common';
import type { BulkSettings } from '../engine/bulk';

/** Knobs the shop's sagas take from the process (worker/settings.ts reads them from the environment). */
export interface TriggerSettings extends BulkSettings {
  dispatchDeadline?: Duration;
  /** How long a channel waits for its group before the link saga gives up (default 1 hour). */
  channelLinkDeadline?: Duration;
}
