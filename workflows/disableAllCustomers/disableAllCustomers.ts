import {
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { dispatch } from '../dispatch';
import { SagaProgressPercent } from '../../engine/saga/searchAttributes';
import {
  bulkProgressQuery,
  cancelBulkSignal,
  pauseBulkSignal,
  resumeBulkSignal,
  type BulkProgress,
  type DisableAllCustomersInput,
} from './contract';

const { countBulkCustomers } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

// Waiting on the read model has no natural end; the heartbeat is what says the worker is alive.
const { waitForCustomersReadModel } = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

// One page is one activity; the heartbeat timeout notices a dead worker long before start-to-close.
const { disableCustomersPage } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

export const defaultPageSize = 200;
/** Pages per run before continuing as new: ~10 history events a page keeps a run far below 51,200. */
export const defaultPagesPerRun = 250;
const maxFailuresKept = 100;

/**
 * Disables every customer registered before the bulk request (the request's place in the log is `asOf`),
 * a page per activity, each customer with its own command id, so a retried or re-run page
 * never disables anyone twice. Pause, resume and cancel arrive as signals; progress is a query, the
 * current details and the SagaProgressPercent search attribute. The outcome is recorded on the
 * bulk-request aggregate.
 */
export async function disableAllCustomers(input: DisableAllCustomersInput): Promise<BulkProgress> {
  const pageSize = input.pageSize ?? defaultPageSize;
  const pagesPerRun = input.pagesPerRun ?? defaultPagesPerRun;
  const progress: BulkProgress = input.carried?.progress ?? {
    bulkId: input.bulkId,
    status: 'running',
    total: 0,
    processed: 0,
    disabled: 0,
    alreadyDisabled: 0,
    failed: 0,
    cursor: null,
    failures: [],
    generation: 0,
  };

  setHandler(bulkProgressQuery, () => progress);
  setHandler(pauseBulkSignal, () => {
    if (progress.status === 'running') progress.status = 'paused';
    report();
  });
  setHandler(resumeBulkSignal, () => {
    if (progress.status === 'paused') progress.status = 'running';
    report();
  });
  setHandler(cancelBulkSignal, () => {
    if (progress.status === 'running' || progress.status === 'paused') progress.status = 'cancelling';
    report();
  });

  function report(): void {
    const percent = progress.total === 0 ? 100 : Math.floor((progress.processed / progress.total) * 100);
    upsertSearchAttributes([{ key: SagaProgressPercent, value: percent }]);
    setCurrentDetails(
      [
        `**${progress.status}** — ${progress.processed} of ${progress.total} customers (${percent}%)`,
        `disabled ${progress.disabled} · already disabled ${progress.alreadyDisabled} · failed ${progress.failed}`,
        `run ${progress.generation + 1}, next page after ${progress.cursor ?? 'the start'}`,
      ].join('\n\n'),
    );
  }

  try {
    if (!input.carried) {
      await waitForCustomersReadModel.executeWithOptions(
        { summary: 'Wait for the customers read model to reach the request' },
        [input.asOf],
      );
      progress.total = await countBulkCustomers(input.asOf);
    }
    report();
    const totalPages = Math.max(1, Math.ceil(progress.total / pageSize));

    for (let pagesThisRun = 0; ; pagesThisRun++) {
      await condition(() => progress.status !== 'paused');
      if (progress.status === 'cancelling') break;
      if (pagesThisRun >= pagesPerRun || workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        return await continueAsNew<typeof disableAllCustomers>({
          ...input,
          carried: { progress: { ...progress, generation: progress.generation + 1 } },
        });
      }
      const pageNumber = Math.floor(progress.processed / pageSize) + 1;
      const page = await disableCustomersPage.executeWithOptions(
        { summary: `DisableCustomer page ${pageNumber}/${totalPages} (${pageSize} customers)` },
        [
          {
            bulkId: input.bulkId,
            reason: input.reason,
            asOf: input.asOf,
            after: progress.cursor,
            limit: pageSize,
            correlationId: input.correlationId,
          },
        ],
      );
      if (page.handled === 0) break;
      progress.processed += page.handled;
      progress.disabled += page.disabled;
      progress.alreadyDisabled += page.alreadyDisabled;
      progress.failed += page.failures.length;
      progress.failures.push(
        ...page.failures.slice(0, Math.max(0, maxFailuresKept - progress.failures.length)),
      );
      progress.cursor = page.lastCustomerId;
      report();
      if (page.handled < pageSize) break;
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // Cancelled through Temporal: record it on the aggregate even though the scope is cancelled.
    await CancellationScope.nonCancellable(() => recordOutcome('cancelled'));
    throw error;
  }
  await recordOutcome(progress.status === 'cancelling' ? 'cancelled' : 'completed');
  return progress;

  async function recordOutcome(outcome: 'completed' | 'cancelled'): Promise<void> {
    const counts = {
      total: progress.total,
      disabled: progress.disabled,
      alreadyDisabled: progress.alreadyDisabled,
      failed: progress.failed,
    };
    if (outcome === 'completed') {
      await dispatch(
        'complete',
        {
          type: 'CompleteBulkOperation',
          data: { bulkId: input.bulkId, counts, failures: progress.failures },
        },
        input.correlationId,
        { summary: `CompleteBulkOperation: ${counts.disabled} disabled, ${counts.failed} failed` },
      );
    } else {
      await dispatch(
        'cancel',
        { type: 'CancelBulkOperation', data: { bulkId: input.bulkId, counts } },
        input.correlationId,
        { summary: `CancelBulkOperation after ${progress.processed} of ${progress.total}` },
      );
    }
    progress.status = outcome;
    report();
  }
}
