import type { AsJson, BulkProgressView } from '../engine/http/contract';

export type BulkProgress = AsJson<BulkProgressView>;

/** What `bulk status` and the control commands print of a run. */
export function describeProgress(progress: BulkProgress): string {
  const lines = [
    `${progress.task} ${progress.bulkId}: ${progress.status}`,
    `  processed ${progress.processed} of ${progress.total} (changed ${progress.changed}, unchanged ${progress.unchanged}, failed ${progress.failed})`,
  ];
  if (progress.failureReason) lines.push(`  why: ${progress.failureReason}`);
  for (const failure of progress.failures.slice(0, 10))
    lines.push(`  failed ${failure.itemId}: ${failure.reason}`);
  if (progress.failures.length > 10)
    lines.push(`  … ${progress.failures.length - 10} more failures (see --json)`);
  if (progress.skipped > 0)
    lines.push(`  left alone ${progress.skipped} changed by something else since (see --json)`);
  if (progress.runAt && progress.status === 'scheduled') lines.push(`  starts at ${progress.runAt}`);
  if (progress.limits) {
    const { maxItemsPerSecond, maxPagesInFlight } = progress.limits;
    const pace =
      progress.rate === null
        ? ''
        : `; going at ${progress.rate} items/s, ${progress.etaSeconds === null ? '?' : duration(progress.etaSeconds)} left`;
    lines.push(
      `  limits: ${maxItemsPerSecond === null ? 'no rate limit' : `${maxItemsPerSecond} items/s`}, ${maxPagesInFlight} pages in flight${pace}`,
    );
  }
  if (progress.reverts) lines.push(`  reverts ${progress.reverts}`);
  if (progress.revertedBy) lines.push(`  reverted by ${progress.revertedBy}`);
  lines.push(`  workflow ${progress.workflowId}${progress.uiUrl ? `  ${progress.uiUrl}` : ''}`);
  return lines.join('\n');
}

/** 42s, 3m05s, 2h10m. */
export function duration(seconds: number): string {
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}
