// The shop's workflows plus the bare workflows the bench's baselines run, in one bundle.
import { proxyActivities } from '@temporalio/workflow';

export * from '../workflows';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '10 seconds' });

/** A workflow with one regular no-op activity: the unit an order saga's latency is measured in. */
export async function oneNoopActivity(): Promise<void> {
  await noop();
}

/** A workflow that does nothing: what the relay's throughput baseline starts. */
export async function bareWorkflow(): Promise<void> {}
