import type { BulkPageResult, BulkSetRequest } from './activityTypes';
import type { BulkProgress, BulkTaskInput } from './contract';

/** What the signal handlers change under a page loop: each throttle counts, so a paced wait wakes. */
export interface RunControl {
  limitsVersion: number;
}

/** What a page loop works with: the run's input and item set, its progress, and how to report it. */
export interface PageRun {
  input: BulkTaskInput;
  set: BulkSetRequest;
  progress: BulkProgress;
  totalPages: number;
  report(): void;
  control: RunControl;
  /** [workflow time ms, items processed] at recent page ends: the pace the progress reports. */
  rateSamples: Array<[number, number]>;
}

/** How far back the reported rate looks: long enough to smooth pages, short enough to follow a throttle. */
const rateWindowMs = 10_000;

/** How a page loop ended: the set is done (or the run stops), or the run continues as new. */
export type PageLoopEnd = 'stopped' | 'continue-as-new';

const maxFailuresKept = 100;
/** A revert reports each item it left alone; the first thousand are kept by name, all are counted. */
export const maxSkipsKept = 1_000;

/** Adds one page's outcome to the run's progress; the first failures are kept, the rest only counted. */
export function countPage(run: PageRun, page: BulkPageResult): void {
  const { progress, input } = run;
  progress.processed += page.handled;
  progress.changed += page.changed;
  progress.unchanged += page.unchanged;
  progress.failed += page.failures.length;
  progress.failures.push(...page.failures.slice(0, Math.max(0, maxFailuresKept - progress.failures.length)));
  const skipped = page.skipped ?? [];
  if (skipped.length > 0) {
    progress.skipped = (progress.skipped ?? 0) + skipped.length;
    const skips = (progress.skips ??= []);
    skips.push(...skipped.slice(0, Math.max(0, maxSkipsKept - skips.length)));
  }
  if (
    page.lastPosition !== null &&
    (progress.lastPosition === null || BigInt(page.lastPosition) > BigInt(progress.lastPosition))
  )
    progress.lastPosition = page.lastPosition;
  if (progress.limits) measurePace(run);
  if (progress.failed > input.maxFailures && progress.failureReason === undefined)
    progress.failureReason = `stopped after ${progress.failed} failed items (the task allows ${input.maxFailures})`;
}

/** Items per second over the last ten seconds of pages (workflow time, so replays agree), and the ETA. */
function measurePace(run: PageRun): void {
  const { progress, rateSamples } = run;
  const now = Date.now();
  rateSamples.push([now, progress.processed]);
  while (rateSamples.length > 2 && now - rateSamples[1]![0] >= rateWindowMs) rateSamples.shift();
  const [since, before] = rateSamples[0]!;
  const seconds = (now - since) / 1000;
  if (rateSamples.length < 2 || seconds <= 0) return;
  const rate = (progress.processed - before) / seconds;
  progress.rate = Math.round(rate * 10) / 10;
  progress.etaSeconds = rate > 0 ? Math.ceil(Math.max(0, progress.total - progress.processed) / rate) : null;
}
