import { condition, workflowInfo } from '@temporalio/workflow';
import type { BulkPageResult } from './activityTypes';
import { planBulkPages, processBulkPage } from './pageActivities';
import { nextPageAt, pacedPageSize } from './flowControl';
import { countPage, type PageLoopEnd, type PageRun } from './pageRun';

/** Runs requested before the window existed in their input get this many pages at a time after continuing as new. */
const defaultWindow = 4;
/** Page boundaries planned per activity: ids only, so 50 pages cost one short activity. */
const boundariesPerPlan = 50;

/**
 * Pages side by side, `window` at a time. Boundaries are planned ahead (ids only) and each page is the
 * range between two of them, so pages never overlap and a page retried later covers the same items (or
 * fewer, if some have left the set). The cursor moves only past contiguous finished pages: a run that
 * stops, pauses or continues as new never skips a range that was still in flight — it drains first.
 */
export async function windowedPages(run: PageRun): Promise<PageLoopEnd> {
  const { input, progress, set, control } = run;
  // Read anew each time: a throttle signal changes them while the loop runs.
  const window = () => progress.limits?.maxPagesInFlight ?? input.window ?? defaultWindow;
  const pageSize = () => (progress.limits ? pacedPageSize(input.pageSize, progress.limits) : input.pageSize);
  const rateLimited = () => (progress.limits?.maxItemsPerSecond ?? null) !== null;
  let plannedUnder = control.limitsVersion;
  let settled = 0;
  let handled = 0;
  const planned: string[] = [];
  let lastPlanned = progress.cursor;
  let exhausted = false;
  let pagesThisRun = 0;
  let pageNumber = Math.ceil(progress.processed / input.pageSize);
  const inFlight = new Map<number, Promise<{ index: number; page: BulkPageResult; upTo: string }>>();
  const finishedUpTo = new Map<number, string>();
  let nextIndex = 0;
  let doneThrough = 0;
  const mayStartPages = () =>
    progress.status === 'running' &&
    progress.failureReason === undefined &&
    pagesThisRun < input.pagesPerRun &&
    !workflowInfo().continueAsNewSuggested;

  for (;;) {
    await condition(() => progress.status !== 'paused' || inFlight.size > 0);
    if (plannedUnder !== control.limitsVersion) {
      // Boundaries planned for another page size: plan again from the last page started.
      plannedUnder = control.limitsVersion;
      planned.length = 0;
      exhausted = false;
    }
    let waitUntil: number | undefined;
    while (mayStartPages() && inFlight.size < window()) {
      if (planned.length === 0 && !exhausted) {
        const next = await planBulkPages({
          ...set,
          after: lastPlanned,
          pageSize: pageSize(),
          pages: boundariesPerPlan,
        });
        planned.push(...next);
        exhausted = next.length < boundariesPerPlan;
      }
      if (planned.length === 0) break;
      if (rateLimited() && progress.nextPageAt !== undefined && progress.nextPageAt > Date.now()) {
        waitUntil = progress.nextPageAt;
        break;
      }
      const upTo = planned.shift()!;
      if (rateLimited())
        progress.nextPageAt = nextPageAt(progress.nextPageAt, Date.now(), pageSize(), progress.limits!);
      const after = lastPlanned;
      lastPlanned = upTo;
      const index = nextIndex++;
      pagesThisRun++;
      pageNumber++;
      const { request, summary } = pageActivity(run, after, upTo, pageNumber);
      const pageDone = processBulkPage
        .executeWithOptions({ summary }, [request])
        .then((page) => ({ index, page, upTo }));
      // Counted apart from the race below, so a paced wait wakes when a page ends.
      pageDone.then(
        () => settled++,
        () => settled++,
      );
      inFlight.set(index, pageDone);
    }
    if (inFlight.size === 0 && waitUntil === undefined) {
      if (progress.status === 'paused') continue;
      break;
    }
    if (waitUntil !== undefined) {
      // Paced: the next page is not due yet; wake for it, for a page that ends, or for a signal.
      const limitsSeen = control.limitsVersion;
      const statusSeen = progress.status;
      await condition(
        () => settled > handled || control.limitsVersion !== limitsSeen || progress.status !== statusSeen,
        Math.max(1, waitUntil - Date.now()),
      );
      if (settled === handled) continue;
    }
    const { index, page, upTo } = await Promise.race(inFlight.values());
    handled++;
    inFlight.delete(index);
    countPage(run, page);
    finishedUpTo.set(index, upTo);
    doneThrough = advanceCursor(progress, finishedUpTo, doneThrough);
    run.report();
  }
  const more = !exhausted || planned.length > 0;
  return more && progress.status === 'running' && progress.failureReason === undefined
    ? 'continue-as-new'
    : 'stopped';
}

/** The page activity's request and the summary the Temporal UI shows for it. */
function pageActivity(run: PageRun, after: string | null, upTo: string, pageNumber: number) {
  const { input, set } = run;
  const request = {
    ...set,
    bulkId: input.bulkId,
    after,
    upTo,
    limit: input.pageSize,
    correlationId: input.correlationId,
  };
  const size = run.progress.limits ? pacedPageSize(input.pageSize, run.progress.limits) : input.pageSize;
  const summary = `${input.title}: page ${pageNumber}/${run.totalPages} (up to ${size} items)`;
  return { request, summary };
}

/** Moves the cursor past the pages finished without a gap before them; returns the first unfinished index. */
function advanceCursor(
  progress: PageRun['progress'],
  finishedUpTo: Map<number, string>,
  doneThrough: number,
): number {
  let next = doneThrough;
  while (finishedUpTo.has(next)) {
    progress.cursor = finishedUpTo.get(next)!;
    finishedUpTo.delete(next++);
  }
  return next;
}
