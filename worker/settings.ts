import type { Duration } from '@temporalio/common';
import { positiveInteger } from '../engine/application';
import type { TriggerSettings } from '../workflows/settings';

/** The shop's saga settings from the environment, the same for `npm start` and the relay's repair tools. */
export function triggerSettingsFromEnv(): TriggerSettings {
  const deadline = process.env.ORDER_DISPATCH_DEADLINE;
  const linkDeadline = process.env.CHANNEL_LINK_DEADLINE;
  const pageSize = process.env.BULK_PAGE_SIZE;
  return {
    dispatchDeadline: deadline ? (deadline as Duration) : undefined,
    channelLinkDeadline: linkDeadline ? (linkDeadline as Duration) : undefined,
    bulkPageSize: pageSize ? positiveInteger('BULK_PAGE_SIZE', pageSize) : undefined,
  };
}
