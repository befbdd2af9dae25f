import type { SagaDefinition } from '../saga/defineSaga';
import type { Trigger } from '../relay/trigger';
import { bulkTaskNamed, type BulkTask } from './bulkTask';
import { bulkTaskAggregate, type BulkTaskRequested } from './bulkTaskAggregate';
import { bulkTaskWorkflowId, bulkTaskWorkflowType, type BulkTaskInput } from './contract';
import { bulkTask } from './bulkTaskWorkflow';

/** Process-wide knobs over every task's own defaults (tests and benchmarks use small pages). */
export interface BulkSettings {
  bulkPageSize?: number;
  bulkPagesPerRun?: number;
}

export const bulkTaskTriggerName = 'bulk-task-requested-starts-run';

/**
 * The saga behind every bulk task: BulkTaskRequested starts one `bulkTask` run per request, with the
 * task's page size and failure cap and the request's place in the log as the set's bound. Built from the
 * application's task list, so a request for a task nobody registered is parked, not lost.
 */
export function bulkTasksSaga<Settings extends BulkSettings>(
  tasks: readonly BulkTask[],
): SagaDefinition<Settings> {
  const trigger: Trigger<Settings> = {
    name: bulkTaskTriggerName,
    eventType: 'BulkTaskRequested',
    plan(event, settings) {
      const {
        bulkId,
        task: name,
        params,
        limits,
        runAt,
      } = (event.data ?? {}) as Partial<BulkTaskRequested['data']>;
      if (typeof bulkId !== 'string' || bulkId === '')
        throw new Error(`${event.type} ${event.eventId} has no bulkId`);
      const task = bulkTaskNamed(tasks, name ?? '');
      if (!task) throw new Error(`${event.type} ${event.eventId} names no registered bulk task ('${name}')`);
      const input: BulkTaskInput = {
        bulkId,
        task: task.name,
        title: task.title,
        params: params ?? {},
        asOf: { transactionId: event.transactionId, globalPosition: event.globalPosition },
        correlationId: event.correlationId,
        pageSize: settings.bulkPageSize ?? task.pageSize,
        pagesPerRun: settings.bulkPagesPerRun ?? task.pagesPerRun,
        maxFailures: task.maxFailures,
        window: limits?.maxPagesInFlight ?? task.window,
        limits: {
          maxItemsPerSecond:
            limits?.maxItemsPerSecond === undefined
              ? (task.maxItemsPerSecond ?? null)
              : limits.maxItemsPerSecond,
          maxPagesInFlight: limits?.maxPagesInFlight ?? task.window,
        },
        ...(runAt === undefined ? {} : { runAt }),
      };
      return {
        workflowType: bulkTaskWorkflowType,
        workflowId: bulkTaskWorkflowId(task.name, bulkId),
        args: [input],
        searchAttributes: {
          sagaType: task.name,
          aggregateId: bulkTaskAggregate.streamId(bulkId),
          correlationId: event.correlationId,
        },
        summary: `${task.title} (bulk ${bulkId})`,
        details: [
          `Started by **${event.type}** (event ${event.eventId}, position ${event.globalPosition}).`,
          task.description,
          `Parameters: \`${JSON.stringify(input.params)}\``,
          `Item set: as of this request in the log (position ${event.globalPosition}, transaction ${event.transactionId}).`,
          `Pages of ${input.pageSize}, ${input.window} at a time` +
            (input.limits!.maxItemsPerSecond === null
              ? ''
              : `, at most ${input.limits!.maxItemsPerSecond} items a second`) +
            `; stops as failed after ${task.maxFailures} failed items.`,
          ...(runAt === undefined ? [] : [`Scheduled to start at ${runAt}.`]),
          'Signals: pause, resume, cancel, throttle. Query: progress.',
        ].join('\n\n'),
      };
    },
  };
  return {
    kind: 'saga',
    workflowType: bulkTaskWorkflowType,
    workflow: bulkTask as SagaDefinition['workflow'],
    triggers: [trigger],
  };
}
