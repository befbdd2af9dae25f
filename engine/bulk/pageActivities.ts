import { proxyActivities } from '@temporalio/workflow';
import type { BulkTaskActivities } from './activityTypes';

// One page is one activity; the heartbeat timeout notices a dead worker long before start-to-close. A page
// heartbeats when it starts and when it ends, a few hundred milliseconds apart.
export const { processBulkPage } = proxyActivities<BulkTaskActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

export const { countBulkItems, planBulkPages } = proxyActivities<BulkTaskActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});
