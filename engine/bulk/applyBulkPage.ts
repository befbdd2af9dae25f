import type { Pool } from 'pg';
import type { Message } from '../aggregate/decider';
import { isDomainError } from '../aggregate/errors';
import type { AggregateRegistry } from '../aggregate/registry';
import { handleCommandBatch, type BatchOutcome } from '../commands/batchCommandHandler';
import type { BulkPageRequest, BulkPageResult } from './activityTypes';
import { bulkItemCommandId, type BulkTask, type PlannedItem } from './bulkTask';
import { bulkTaskAggregate } from './bulkTaskAggregate';

/** Who delivers a page: the page activity passes Temporal's attempt, run and heartbeat. */
export interface PageDelivery {
  attempt: number;
  workflowId?: string;
  runId?: string;
  heartbeat(details: unknown): void;
}

/**
 * One page of the run's item set: ids by keyset, each item's command planned by the task, then one batch
 * through the command handler (own decide, own expected version, own command id per item).
 */
export async function applyBulkPage(
  pool: Pool,
  registry: AggregateRegistry,
  task: BulkTask,
  request: BulkPageRequest,
  delivery: PageDelivery,
): Promise<BulkPageResult> {
  const ids = await task.items.page(pool, request, request);
  delivery.heartbeat({ after: request.after, found: ids.length });
  const planned = await task.planPage(
    { db: pool, registry, bulkId: request.bulkId, params: request.params },
    ids,
  );
  const toSend = planned.filter((item): item is Extract<PlannedItem, { command: Message }> =>
    Boolean('command' in item && item.command),
  );
  const outcomes = await handleCommandBatch(
    pool,
    registry,
    toSend.map(({ itemId, command, expectedVersion }) => ({
      commandId: bulkItemCommandId(request.bulkId, itemId),
      command,
      expectedVersion,
      attempt: delivery.attempt,
      metadata: {
        correlationId: request.correlationId,
        // Caused by the run: its stream holds the request that started it.
        causationId: bulkTaskAggregate.streamId(request.bulkId),
        actor: `bulk:${task.name}`,
        workflowId: delivery.workflowId,
        runId: delivery.runId,
      },
    })),
  );
  const result = pageResult(
    ids,
    planned,
    new Map(toSend.map((item, index) => [item.itemId, outcomes[index]!])),
  );
  delivery.heartbeat({ after: result.lastItemId, done: true });
  return result;
}

/** A page's counts, failures, skips and the position of its last write (for read-your-writes at the end). */
function pageResult(
  ids: readonly string[],
  planned: readonly PlannedItem[],
  outcomes: ReadonlyMap<string, BatchOutcome>,
): BulkPageResult {
  const result: BulkPageResult = {
    handled: ids.length,
    lastItemId: ids.at(-1) ?? null,
    lastPosition: null,
    changed: 0,
    unchanged: 0,
    failures: [],
    skipped: [],
  };
  for (const item of planned) {
    const { itemId } = item;
    const outcome = outcomes.get(itemId);
    if ('skipped' in item) result.skipped!.push({ itemId, reason: item.skipped });
    else if ('failed' in item) result.failures.push({ itemId, reason: item.failed });
    else if (!outcome) result.unchanged++;
    else if (isStreamChanged(outcome, item))
      result.skipped!.push({ itemId, reason: `changed while the page ran: ${errorOf(outcome)}` });
    else if (!outcome.ok)
      result.failures.push({ itemId, reason: `${outcome.error.name}: ${outcome.error.message}` });
    else if (outcome.result.changed) {
      result.changed++;
      const position = outcome.result.position;
      if (
        position !== null &&
        (result.lastPosition === null || BigInt(position) > BigInt(result.lastPosition))
      )
        result.lastPosition = position;
    } else result.unchanged++;
  }
  return result;
}

/** A command planned against the stream as it was, refused because it moved meanwhile: a conflict, not a failure. */
function isStreamChanged(outcome: BatchOutcome, item: PlannedItem): boolean {
  return (
    !outcome.ok &&
    'expectedVersion' in item &&
    item.expectedVersion !== undefined &&
    isDomainError(outcome.error) &&
    outcome.error.code === 'StreamChanged'
  );
}

const errorOf = (outcome: BatchOutcome) => (outcome.ok ? '' : outcome.error.message);
