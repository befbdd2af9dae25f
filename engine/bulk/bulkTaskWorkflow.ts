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
import type { BulkPageResult, BulkTaskActivities } from './activityTypes';
import type { BulkCounts, BulkTaskCommand } from './bulkTaskAggregate';
import {
  bulkProgressQuery,
  cancelBulkSignal,
  pauseBulkSignal,
  resumeBulkSignal,
  type BulkProgress,
  type BulkTaskInput,
} from './contract';

const { countBulkItems, planBulkPages } = proxyActivities<BulkTaskActivities>({
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
 * by keyset, one activity per page and `window` pages at a time, each item with its own command id (`bulk:<bulkId>:<itemId>`), so a
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
    // Pages run side by side, `window` at a time: boundaries are planned ahead (ids only), each page is
    // the range between two of them. `progress.cursor` is where every page before it is done.
    const planned: string[] = [];
    let lastPlanned = progress.cursor;
    let exhausted = false;
    let pagesThisRun = 0;
    let pageNumber = Math.ceil(progress.processed / input.pageSize);
    const inFlight = new Map<number, Promise<{ index: number; page: BulkPageResult; upTo: string }>>();
    const finishedUpTo = new Map<number, string>();
    let nextIndex = 0;
    let doneThrough = 0;
    const stopping = () =>
      progress.status === 'cancelling' ||
      progress.failureReason !== undefined ||
      pagesThisRun >= input.pagesPerRun ||
      workflowInfo().continueAsNewSuggested;

    for (;;) {
      await condition(() => progress.status !== 'paused' || inFlight.size > 0);
      while (progress.status === 'running' && !stopping() && inFlight.size < input.window) {
        if (planned.length === 0 && !exhausted) {
          const next = await planBulkPages({
            ...set,
            after: lastPlanned,
            pageSize: input.pageSize,
            pages: 50,
          });
          planned.push(...next);
          exhausted = next.length < 50;
        }
        const upTo = planned.shift();
        if (upTo === undefined) break;
        const after = lastPlanned;
        lastPlanned = upTo;
        const index = nextIndex++;
        pagesThisRun++;
        pageNumber++;
        inFlight.set(
          index,
          processBulkPage
            .executeWithOptions(
              { summary: `${input.title}: page ${pageNumber}/${totalPages} (up to ${input.pageSize} items)` },
              [
                {
                  ...set,
                  bulkId: input.bulkId,
                  after,
                  upTo,
                  limit: input.pageSize,
                  correlationId: input.correlationId,
                },
              ],
            )
            .then((page) => ({ index, page, upTo })),
        );
      }
      if (inFlight.size === 0) {
        if (progress.status === 'paused') continue;
        break;
      }
      const { index, page, upTo } = await Promise.race(inFlight.values());
      inFlight.delete(index);
      count(page);
      finishedUpTo.set(index, upTo);
      while (finishedUpTo.has(doneThrough)) {
        progress.cursor = finishedUpTo.get(doneThrough)!;
        finishedUpTo.delete(doneThrough++);
      }
      if (progress.failed > input.maxFailures && progress.failureReason === undefined)
        progress.failureReason = `stopped after ${progress.failed} failed items (the task allows ${input.maxFailures})`;
      report();
    }
    const more = !exhausted || planned.length > 0;
    if (more && progress.status === 'running' && progress.failureReason === undefined) {
      await condition(allHandlersFinished);
      return await continueAsNew<typeof bulkTask>({
        ...input,
        carried: { progress: { ...progress, generation: progress.generation + 1 } },
      });
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

  function count(page: BulkPageResult): void {
    progress.processed += page.handled;
    progress.changed += page.changed;
    progress.unchanged += page.unchanged;
    progress.failed += page.failures.length;
    progress.failures.push(
      ...page.failures.slice(0, Math.max(0, maxFailuresKept - progress.failures.length)),
    );
    if (
      page.lastPosition !== null &&
      (progress.lastPosition === null || BigInt(page.lastPosition) > BigInt(progress.lastPosition))
    )
      progress.lastPosition = page.lastPosition;
  }

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
