import { condition, workflowInfo } from '@temporalio/workflow';
import { processBulkPage } from './pageActivities';
import { countPage, type PageLoopEnd, type PageRun } from './pageRun';

/**
 * Pages one at a time, the cursor moving after each. Kept only so runs requested before pages ran side by
 * side (see ./windowedPages.ts) replay and finish as they began; remove once no such run is open.
 */
export async function sequentialPages(run: PageRun): Promise<PageLoopEnd> {
  const { input, progress, set } = run;
  for (let pagesThisRun = 0; ; pagesThisRun++) {
    await condition(() => progress.status !== 'paused');
    if (progress.status === 'cancelling') return 'stopped';
    if (pagesThisRun >= input.pagesPerRun || workflowInfo().continueAsNewSuggested) return 'continue-as-new';
    const pageNumber = Math.floor(progress.processed / input.pageSize) + 1;
    const page = await processBulkPage.executeWithOptions(
      { summary: `${input.title}: page ${pageNumber}/${run.totalPages} (${input.pageSize} items)` },
      [
        {
          ...set,
          bulkId: input.bulkId,
          after: progress.cursor,
          upTo: null,
          limit: input.pageSize,
          correlationId: input.correlationId,
        },
      ],
    );
    if (page.handled === 0) return 'stopped';
    countPage(run, page);
    progress.cursor = page.lastItemId;
    if (progress.failureReason !== undefined) return 'stopped';
    run.report();
    if (page.handled < input.pageSize) return 'stopped';
  }
}
