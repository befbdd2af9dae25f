import {
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
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
  throttleBulkSignal,
  type BulkProgress,
  type BulkTaskInput,
} from './contract';
import { countBulkItems } from './pageActivities';
import { limitsProblem } from './flowControl';
import type { PageRun, RunControl } from './pageRun';
import { sequentialPages } from './sequentialPages';
import { windowedPages } from './windowedPages';

/** Runs that began before pages ran side by side continue one page at a time (see ./sequentialPages.ts). */
export const windowedPagesPatch = 'procession:bulk-windowed-pages';

// Waiting on a read model has no natural end; the heartbeat is what says the worker is alive.
const { waitForBulkReadModel, waitForBulkWrites } = proxyActivities<BulkTaskActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Runs any bulk task: waits until the task's read model has reached the request, then pages the item set
 * by keyset, one activity per page and `window` pages at a time, each item with its own command id (`bulk:<bulkId>:<itemId>`), so a
 * retried or re-run page never applies an item twice. Pause, resume and cancel arrive as signals;
 * progress is a query, the current details and SagaProgressPercent. More failures than the task allows
 * stop the run as failed. The outcome is recorded on the bulk-task aggregate.
 */
export async function bulkTask(input: BulkTaskInput): Promise<BulkProgress> {
  const progress: BulkProgress = input.carried?.progress ?? startingProgress(input);
  const set = { task: input.task, params: input.params, asOf: input.asOf };
  const report = () => reportProgress(progress);
  const control = handleControlSignals(input, progress, report);
  try {
    if (!input.carried && (await waitForRunAt(input, progress, report)) === 'cancelled') {
      await recordOutcome(input, progress, 'cancelled');
      return progress;
    }
    if (!input.carried) {
      await waitForBulkReadModel.executeWithOptions(
        { summary: `Wait for the ${input.task} read model to reach the request` },
        [set],
      );
      progress.total = await countBulkItems(set);
    }
    report();
    const run: PageRun = {
      input,
      set,
      progress,
      report,
      totalPages: Math.max(1, Math.ceil(progress.total / input.pageSize)),
      control,
      rateSamples: [],
    };
    const loop = patched(windowedPagesPatch) ? windowedPages : sequentialPages;
    if ((await loop(run)) === 'continue-as-new') {
      await condition(allHandlersFinished);
      return await continueAsNew<typeof bulkTask>({
        ...input,
        carried: { progress: { ...progress, generation: progress.generation + 1 } },
      });
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // Cancelled through Temporal: record it on the aggregate even though the scope is cancelled.
    await CancellationScope.nonCancellable(() => recordOutcome(input, progress, 'cancelled'));
    throw error;
  }
  await recordOutcome(
    input,
    progress,
    progress.failureReason ? 'failed' : progress.status === 'cancelling' ? 'cancelled' : 'completed',
  );
  return progress;
}

function startingProgress(input: BulkTaskInput): BulkProgress {
  return {
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
    // Only runs requested with limits carry them, so older runs' progress reads as it did.
    ...(input.limits ? { limits: { ...input.limits }, rate: null, etaSeconds: null } : {}),
    ...(input.runAt ? { runAt: input.runAt } : {}),
  };
}

/**
 * A run requested with a `runAt` ahead waits for it on a Temporal timer, as `scheduled`; cancel ends it
 * there. Its item set is still the one as of the request: what the preview showed is what runs.
 */
async function waitForRunAt(
  input: BulkTaskInput,
  progress: BulkProgress,
  report: () => void,
): Promise<'start' | 'cancelled'> {
  const startAt = input.runAt === undefined ? NaN : Date.parse(input.runAt);
  if (!(startAt > Date.now())) return 'start';
  progress.status = 'scheduled';
  report();
  const cancelled = () => progress.status === 'cancelling';
  await condition(cancelled, startAt - Date.now());
  if (cancelled()) return 'cancelled';
  progress.status = 'running';
  return 'start';
}

/**
 * Progress is a query; pause, resume and cancel are signals that move the status the page loop reads;
 * throttle changes the limits it reads, and counts the change so a loop waiting on the old pace wakes.
 */
function handleControlSignals(input: BulkTaskInput, progress: BulkProgress, report: () => void): RunControl {
  const control: RunControl = { limitsVersion: 0 };
  setHandler(bulkProgressQuery, () => progress);
  const onSignal = (from: BulkProgress['status'][], to: BulkProgress['status']) => () => {
    if (from.includes(progress.status)) progress.status = to;
    report();
  };
  setHandler(pauseBulkSignal, onSignal(['running'], 'paused'));
  setHandler(resumeBulkSignal, onSignal(['paused'], 'running'));
  setHandler(cancelBulkSignal, onSignal(['running', 'paused', 'scheduled'], 'cancelling'));
  setHandler(throttleBulkSignal, (change) => {
    // The API checks a change before sending it; one that is wrong anyway is not applied.
    if (limitsProblem(change) !== undefined) return;
    const current = progress.limits ?? { maxItemsPerSecond: null, maxPagesInFlight: input.window ?? 4 };
    progress.limits = {
      maxItemsPerSecond:
        change.maxItemsPerSecond === undefined ? current.maxItemsPerSecond : change.maxItemsPerSecond,
      maxPagesInFlight: change.maxPagesInFlight ?? current.maxPagesInFlight,
    };
    if (progress.limits.maxItemsPerSecond === null) delete progress.nextPageAt;
    control.limitsVersion++;
    report();
  });
  return control;
}

/** What the Temporal UI shows of a run: SagaProgressPercent to sort by, and the current details. */
function reportProgress(progress: BulkProgress): void {
  const percent = progress.total === 0 ? 100 : Math.floor((progress.processed / progress.total) * 100);
  upsertSearchAttributes([{ key: SagaProgressPercent, value: percent }]);
  setCurrentDetails(
    [
      `**${progress.status}** — ${progress.processed} of ${progress.total} items (${percent}%)`,
      `changed ${progress.changed} · unchanged ${progress.unchanged} · failed ${progress.failed}` +
        (progress.skipped ? ` · left alone ${progress.skipped}` : ''),
      ...(progress.limits ? [paceLine(progress)] : []),
      progress.failureReason ??
        `run ${progress.generation + 1}, next page after ${progress.cursor ?? 'the start'}`,
    ].join('\n\n'),
  );
}

/** Records how the run ended on the bulk-task aggregate, once the read model shows the run's writes. */
async function recordOutcome(
  input: BulkTaskInput,
  progress: BulkProgress,
  outcome: 'completed' | 'cancelled' | 'failed',
): Promise<void> {
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
    // Only a run that skipped items says so, so the outcome of every other run is recorded as before.
    ...(progress.skipped ? { skipped: progress.skipped } : {}),
  };
  const { failures } = progress;
  const skips = progress.skips?.length ? { skips: progress.skips } : {};
  const commands: Record<typeof outcome, BulkTaskCommand> = {
    completed: { type: 'CompleteBulkTask', data: { bulkId, counts, failures, ...skips } },
    cancelled: { type: 'CancelBulkTask', data: { bulkId, counts, ...skips } },
    failed: {
      type: 'FailBulkTask',
      data: { bulkId, counts, failures, reason: progress.failureReason ?? '', ...skips },
    },
  };
  await dispatch(outcome, commands[outcome], input.correlationId, {
    summary: `${commands[outcome].type}: ${counts.changed} changed, ${counts.failed} failed`,
  });
  progress.status = outcome;
  reportProgress(progress);
}

/** The limits and pace, for the Temporal UI's current details. */
function paceLine({ limits, rate, etaSeconds }: BulkProgress): string {
  const limit =
    limits!.maxItemsPerSecond === null ? 'no rate limit' : `at most ${limits!.maxItemsPerSecond} items/s`;
  const pace = rate ? ` · going at ${rate} items/s, about ${etaSeconds ?? '?'} s left` : '';
  return `${limit}, ${limits!.maxPagesInFlight} pages in flight${pace}`;
}
