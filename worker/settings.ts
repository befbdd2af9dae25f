import type { Duration } from '@temporalio/common';
import type { TriggerSettings } from '../workflows/settings';

/** Saga settings from the environment, the same for `npm start` and the relay's repair tools. */
export function triggerSettingsFromEnv(): TriggerSettings {
  const deadline = process.env.ORDER_DISPATCH_DEADLINE;
  const linkDeadline = process.env.CHANNEL_LINK_DEADLINE;
  return {
    dispatchDeadline: deadline ? (deadline as Duration) : undefined,
    channelLinkDeadline: linkDeadline ? (linkDeadline as Duration) : undefined,
  };
}
