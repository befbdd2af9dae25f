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
import { dispatch } from '../saga/commands';
import { SagaProgressPercent } from '../saga/searchAttributes';
import type { BulkTaskActivities } from './activityTypes';
import type { BulkCounts, BulkTaskCommand } from './bulkTaskAggregate';
import {
  bulkProgressQuery,
  cancelBulkSignal,
  pauseBulkSignal,
  resumeBulkSignal,
  type BulkProgress,
  type BulkTaskInput,
} from './contract';

const { countBulkItems } = proxyActivities<BulkTaskActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

// Waiting on a read model has no natural end; the heartbeat is what says the worker is alive.
const { waitForBulkReadModel, waitForBulkWrites } = proxyActivities<BulkTaskActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

// One page is one activity; the heartbeat timeout notices a dead worker long before start-to-close. A page
// heartbeats when it starts and when it ends, a few hundred milliseconds apart.
const { processBulkPage } = proxyActivities<BulkTaskActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

const maxFailuresKept = 100;

/**
 * Runs any bulk task: waits until the task's read model has reached the request, then pages the item set
 * by keyset, one activity per page, each item with its own command id (`bulk:<bulkId>:<itemId>`), so a
 * retried or re-run page never applies an item twice. Pause, resume and cancel arrive as signals;
 * progress is a query, the current details and SagaProgressPercent. More failures than the task allows
 * stop the run as failed. The outcome is recorded on the bulk-task aggregate.
 */
export async function bulkTask(input: BulkTaskInput): Promise<BulkProgress> {
  const progress: BulkProgress = input.carried?.progress ?? {
    bulkId: input.bulkId,
    task: input.task,
    status: 'running',
    total: 0,
    processed: 0,
    changed: 0,
    unchanged: 0,
    failed: 0,
    cursor: null,
    failures: [],
    generation: 0,
    lastPosition: null,
  };
  const set = { task: input.task, params: input.params, asOf: input.asOf };

  setHandler(bulkProgressQuery, () => progress);
  const onSignal = (from: BulkProgress['status'][], to: BulkProgress['status']) => () => {
    if (from.includes(progress.status)) progress.status = to;
    report();
  };
  setHandler(pauseBulkSignal, onSignal(['running'], 'paused'));
  setHandler(resumeBulkSignal, onSignal(['paused'], 'running'));
  setHandler(cancelBulkSignal, onSignal(['running', 'paused'], 'cancelling'));

  function report(): void {
    const percent = progress.total === 0 ? 100 : Math.floor((progress.processed / progress.total) * 100);
    upsertSearchAttributes([{ key: SagaProgressPercent, value: percent }]);
    setCurrentDetails(
      [
        `**${progress.status}** — ${progress.processed} of ${progress.total} items (${percent}%)`,
        `changed ${progress.changed} · unchanged ${progress.unchanged} · failed ${progress.failed}`,
        progress.failureReason ??
          `run ${progress.generation + 1}, next page after ${progress.cursor ?? 'the start'}`,
      ].join('\n\n'),
    );
  }

  try {
    if (!input.carried) {
      await waitForBulkReadModel.executeWithOptions(
        { summary: `Wait for the ${input.task} read model to reach the request` },
        [set],
      );
      progress.total = await countBulkItems(set);
    }
    report();
    const totalPages = Math.max(1, Math.ceil(progress.total / input.pageSize));

    for (let pagesThisRun = 0; ; pagesThisRun++) {
      await condition(() => progress.status !== 'paused');
      if (progress.status === 'cancelling') break;
      if (pagesThisRun >= input.pagesPerRun || workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        return await continueAsNew<typeof bulkTask>({
          ...input,
          carried: { progress: { ...progress, generation: progress.generation + 1 } },
        });
      }
      const pageNumber = Math.floor(progress.processed / input.pageSize) + 1;
      const page = await processBulkPage.executeWithOptions(
        { summary: `${input.title}: page ${pageNumber}/${totalPages} (${input.pageSize} items)` },
        [
          {
            ...set,
            bulkId: input.bulkId,
            after: progress.cursor,
            limit: input.pageSize,
            correlationId: input.correlationId,
          },
        ],
      );
      if (page.handled === 0) break;
      progress.processed += page.handled;
      progress.changed += page.changed;
      progress.unchanged += page.unchanged;
      progress.failed += page.failures.length;
      progress.failures.push(
        ...page.failures.slice(0, Math.max(0, maxFailuresKept - progress.failures.length)),
      );
      progress.cursor = page.lastItemId;
      if (
        page.lastPosition !== null &&
        (progress.lastPosition === null || BigInt(page.lastPosition) > BigInt(progress.lastPosition))
      )
        progress.lastPosition = page.lastPosition;
      if (progress.failed > input.maxFailures) {
        progress.failureReason = `stopped after ${progress.failed} failed items (the task allows ${input.maxFailures})`;
        break;
      }
      report();
      if (page.handled < input.pageSize) break;
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // Cancelled through Temporal: record it on the aggregate even though the scope is cancelled.
    await CancellationScope.nonCancellable(() => recordOutcome('cancelled'));
    throw error;
  }
  await recordOutcome(
    progress.failureReason ? 'failed' : progress.status === 'cancelling' ? 'cancelled' : 'completed',
  );
  return progress;

  async function recordOutcome(outcome: 'completed' | 'cancelled' | 'failed'): Promise<void> {
    const { bulkId } = input;
    // Read your writes: once the outcome says done, the read model the task pages already shows it.
    if (progress.lastPosition !== null)
      await waitForBulkWrites.executeWithOptions(
        { summary: `Wait for the ${input.task} read model to reflect the run's writes` },
        [{ task: input.task, position: progress.lastPosition }],
      );
    const counts: BulkCounts = {
      total: progress.total,
      changed: progress.changed,
      unchanged: progress.unchanged,
      failed: progress.failed,
    };
    const { failures } = progress;
    const commands: Record<typeof outcome, BulkTaskCommand> = {
      completed: { type: 'CompleteBulkTask', data: { bulkId, counts, failures } },
      cancelled: { type: 'CancelBulkTask', data: { bulkId, counts } },
      failed: {
        type: 'FailBulkTask',
        data: { bulkId, counts, failures, reason: progress.failureReason ?? '' },
      },
    };
    await dispatch(outcome, commands[outcome], input.correlationId, {
      summary: `${commands[outcome].type}: ${counts.changed} changed, ${counts.failed} failed`,
    });
    progress.status = outcome;
    report();
  }
}
