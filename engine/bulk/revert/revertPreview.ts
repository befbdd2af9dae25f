import type { Message } from '../../aggregate/decider';
import { bulkItemsMovedSince } from '../../eventstore/bulkItemCommands';
import { bulkSampleSize } from '../bulkPreview';
import type { BulkFailure } from '../bulkTaskAggregate';
import type { PagePlanContext } from '../bulkTask';
import { planRevertPage } from './planRevertPage';

export interface RevertPreview {
  /** Items a revert requested now would change back: changed by the run and by nothing since. */
  count: number;
  /** The first of them with the command each would get (or why it would fail). */
  sample: Array<{ itemId: string; command: Message | null; failed?: string }>;
  /** Items something else changed since the run: a revert leaves them alone. */
  conflicts: number;
  conflictSample: BulkFailure[];
}

/**
 * A revert's dry run: counts in the database (each changed item's stream checked by its own index), then
 * the first items of each kind planned exactly as a revert page would plan them, nothing written.
 */
export async function previewRevert(
  context: Omit<PagePlanContext, 'bulkId' | 'params'>,
  bulkId: string,
): Promise<RevertPreview> {
  const plan = { ...context, bulkId: `preview-of-${bulkId}`, params: { bulkId } };
  const items = await bulkItemsMovedSince(context.db, bulkId, bulkSampleSize);
  const idsOf = (sample: readonly { itemId: string }[]) => sample.map((item) => item.itemId);
  const sample = (await planRevertPage(plan, idsOf(items.unmovedSample))).flatMap((item) =>
    'command' in item
      ? [{ itemId: item.itemId, command: item.command }]
      : 'failed' in item
        ? [{ itemId: item.itemId, command: null, failed: item.failed }]
        : [],
  );
  const conflictSample = (await planRevertPage(plan, idsOf(items.movedSample))).flatMap((item) =>
    'skipped' in item ? [{ itemId: item.itemId, reason: item.skipped }] : [],
  );
  return { count: items.unmoved, sample, conflicts: items.moved, conflictSample };
}
