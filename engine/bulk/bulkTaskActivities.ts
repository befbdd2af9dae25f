import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { AggregateRegistry } from '../aggregate/registry';
import { comparePositions } from '../eventstore/types';
import { projectionPosition, waitForProjection } from '../projections/projectionRunner';
import type { BulkPageRequest, BulkPageResult, BulkTaskActivities } from './activityTypes';
import { bulkTaskNamed, type BulkTask } from './bulkTask';
import { applyBulkPage } from './applyBulkPage';

type TaskNamed = (name: string) => BulkTask;

/** The bulk workflow's activities over the application's aggregates and bulk tasks. */
export function createBulkTaskActivities(
  pool: Pool,
  registry: AggregateRegistry,
  tasks: readonly BulkTask[],
): BulkTaskActivities {
  const taskNamed: TaskNamed = (name) => {
    const task = bulkTaskNamed(tasks, name);
    // A request for a task this worker does not have cannot succeed by retrying.
    if (!task)
      throw ApplicationFailure.create({
        type: 'UnknownBulkTask',
        message: `no bulk task named '${name}' is registered`,
        nonRetryable: true,
      });
    return task;
  };
  return {
    ...readModelWaits(pool, taskNamed),
    async countBulkItems(request) {
      return taskNamed(request.task).items.count(pool, request);
    },
    /** Walks the set page by page, ids only, so the pages can then be applied side by side. */
    async planBulkPages(request) {
      const { items } = taskNamed(request.task);
      const boundaries: string[] = [];
      let after = request.after;
      while (boundaries.length < request.pages) {
        const ids = await items.page(pool, request, { after, upTo: null, limit: request.pageSize });
        if (ids.length === 0) break;
        after = ids.at(-1)!;
        boundaries.push(after);
        if (ids.length < request.pageSize) break;
      }
      return boundaries;
    },
    processBulkPage: (request) => processBulkPage(pool, registry, taskNamed(request.task), request),
  };
}

function readModelWaits(
  pool: Pool,
  taskNamed: TaskNamed,
): Pick<BulkTaskActivities, 'waitForBulkReadModel' | 'waitForBulkWrites'> {
  return {
    /**
     * Returns once the task's read model has applied the log up to the request, so paging it sees the
     * whole set. Heartbeats while it waits: an append held open can hold the read model back.
     */
    async waitForBulkReadModel(request) {
      const context = Context.current();
      const { readModel } = taskNamed(request.task).items;
      if (!readModel) return;
      for (;;) {
        const position = await projectionPosition(pool, readModel);
        if (comparePositions(position, request.asOf) >= 0) return;
        context.heartbeat({ readModelAt: position.globalPosition, waitingFor: request.asOf.globalPosition });
        await context.sleep(200);
      }
    },
    /** Heartbeats while the read model catches up with the run's own last write: read your writes. */
    async waitForBulkWrites(request) {
      const context = Context.current();
      const { readModel } = taskNamed(request.task).items;
      if (!readModel) return;
      for (;;) {
        const wait = await waitForProjection(pool, readModel, request.position, 1_000);
        if (wait.reached) return;
        context.heartbeat({ readModelAt: wait.at?.globalPosition ?? '0', waitingFor: request.position });
      }
    },
  };
}

/** The page activity: the page applied with Temporal's attempt, run ids and heartbeat. */
function processBulkPage(
  pool: Pool,
  registry: AggregateRegistry,
  task: BulkTask,
  request: BulkPageRequest,
): Promise<BulkPageResult> {
  const context = Context.current();
  return applyBulkPage(pool, registry, task, request, {
    attempt: context.info.attempt,
    workflowId: context.info.workflowExecution?.workflowId,
    runId: context.info.workflowExecution?.runId,
    heartbeat: (details) => context.heartbeat(details),
  });
}
