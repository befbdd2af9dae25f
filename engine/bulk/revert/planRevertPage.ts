import type { Message } from '../../aggregate/decider';
import { planRevert } from '../../aggregate/revertPlan';
import { bulkItemRecords, type ChangedBulkItem } from '../../eventstore/bulkItemCommands';
import { readStreams } from '../../eventstore/readStream';
import type { StoredEvent } from '../../eventstore/types';
import { bulkItemCommandId, type PagePlanContext, type PlannedItem } from '../bulkTask';

/** The run being reverted, as the revert task's parameters name it. */
export interface RevertParams {
  bulkId: string;
}

/**
 * Each item's reversal for one page of a revert run: the aggregate's declared reversal of the events the
 * original run appended to it. An item whose stream moved since, by anything but this revert, is left
 * alone and reported (its state is no longer what the original run left); the command is sent expecting
 * the stream exactly as the original left it, so a change racing the page is refused too, not overwritten.
 */
export async function planRevertPage(
  context: PagePlanContext,
  itemIds: readonly string[],
): Promise<PlannedItem[]> {
  const { bulkId: original } = context.params as unknown as RevertParams;
  const records = await bulkItemRecords(context.db, original, itemIds);
  const streams = await readStreams(
    context.db,
    [...records.values()].map((record) => record.streamId),
  );
  return itemIds.map((itemId) => {
    const record = records.get(itemId);
    if (!record) return { itemId, failed: `bulk task ${original} has no change recorded for item ${itemId}` };
    return planItem(context, record, streams.get(record.streamId) ?? []);
  });
}

function planItem(context: PagePlanContext, record: ChangedBulkItem, events: StoredEvent[]): PlannedItem {
  const { itemId, streamId, version, eventCount } = record;
  const ownCommandId = bulkItemCommandId(context.bulkId, itemId);
  const since = events.filter((event) => event.streamVersion > version);
  const other = since.find((event) => event.metadata?.commandId !== ownCommandId);
  if (other)
    return {
      itemId,
      skipped: `${streamId} changed since: ${other.type} at version ${other.streamVersion} by ${other.metadata?.actor ?? 'unknown'}`,
    };
  const aggregate = context.registry.aggregateForStream(streamId);
  if (!aggregate) return { itemId, failed: `${streamId} is not a stream of a known aggregate` };
  const plan = planRevert(
    aggregate,
    events.filter((event) => event.streamVersion <= version) as unknown as (Message & {
      streamVersion: number;
    })[],
    version - eventCount,
  );
  if (!plan.reversible)
    return {
      itemId,
      failed: `${plan.eventType} at version ${plan.version} cannot be reverted: ${plan.reason}`,
    };
  const commands = plan.steps.flatMap((step) => step.commands);
  if (commands.length === 0) return { itemId, command: null };
  if (commands.length > 1)
    return {
      itemId,
      failed: `its reversal takes ${commands.length} commands; revert the stream itself: POST /streams/${streamId}/revert`,
    };
  // Already reverted by this run (a retried page): the same command again, answered as a duplicate.
  if (since.length > 0) return { itemId, command: commands[0]! };
  return { itemId, command: commands[0]!, expectedVersion: version };
}
