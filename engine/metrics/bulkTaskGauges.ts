import type { Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import { bulkProgressQuery, bulkTaskWorkflowType, type BulkProgress } from '../bulk/contract';

export interface BulkTaskGaugeOptions {
  client: Client;
  /** The saga workers' task queue: only bulk tasks run by this deployment are listed. */
  taskQueue: string;
  /** Bound on the whole read (list and queries), so a missing worker cannot hang a scrape. */
  timeoutMs?: number;
  /** At most this many running tasks are reported. */
  limit?: number;
}

/**
 * processed/total of every running bulk task. Its progress lives in its workflow (the query every
 * `GET /bulk/:id` asks), so the scrape lists the running `bulkTask` workflows and asks each; a task
 * whose workflow does not answer in time is left out of that scrape.
 */
export function addBulkTaskGauges(
  registry: Registry,
  options: BulkTaskGaugeOptions,
  onFailure: () => void,
): void {
  if (!/^[\w.:@/-]+$/.test(options.taskQueue))
    throw new Error(`task queue '${options.taskQueue}' cannot be named in a visibility query`);
  let inFlight: Promise<BulkProgress[]> | undefined;
  const running = () =>
    (inFlight ??= readRunning(options)
      .catch(() => {
        onFailure();
        return [];
      })
      .finally(() => (inFlight = undefined)));

  const perTask = (name: string, help: string, value: (progress: BulkProgress) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['task', 'bulk_id', 'status'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const progress of await running())
          this.set(
            { task: progress.task, bulk_id: progress.bulkId, status: progress.status },
            value(progress),
          );
      },
    });
  perTask(
    'procession_bulk_task_processed_items',
    'Items a running bulk task has handled so far',
    (p) => p.processed,
  );
  perTask('procession_bulk_task_total_items', "Items in a running bulk task's set", (p) => p.total);
}

async function readRunning(options: BulkTaskGaugeOptions): Promise<BulkProgress[]> {
  const { client, taskQueue, timeoutMs = 3_000, limit = 100 } = options;
  return client.withDeadline(Date.now() + timeoutMs, async () => {
    const ids: string[] = [];
    const query = `WorkflowType = '${bulkTaskWorkflowType}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`;
    for await (const execution of client.workflow.list({ query })) {
      ids.push(execution.workflowId);
      if (ids.length >= limit) break;
    }
    const answers = await Promise.allSettled(
      ids.map((id) => client.workflow.getHandle(id).query(bulkProgressQuery)),
    );
    return answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : []));
  });
}
