import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import type { ServerProcess } from './serverProcess';

export interface ReadinessOptions {
  address: string;
  namespace: string;
  processes: readonly ServerProcess[];
  timeoutMs: number;
  retentionDays?: number;
  /** At start-up every process must stay up; after a kill the killed one is expected to be down. */
  requireAllAlive?: boolean;
}

/**
 * Serving means a workflow can be started in the namespace, not that the frontend answers: the frontend
 * answers before history owns its shards and before the namespace reaches history's cache. So this
 * registers the namespace when missing, then starts a probe run and removes it (terminate, then delete),
 * so it leaves nothing in the namespace's list.
 */
export async function waitUntilClusterServes(options: ReadinessOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (options.requireAllAlive) {
      const down = options.processes.find((each) => !each.alive);
      if (down)
        throw new Error(`Temporal ${down.name} exited while the cluster started:\n${down.recentOutput()}`);
    }
    try {
      await probe(options);
      return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const output = options.processes.map((each) => each.recentOutput()).join('\n');
      throw new Error(
        `The Temporal cluster at ${options.address} did not serve namespace "${options.namespace}" within ` +
          `${options.timeoutMs / 1000}s: ${String(lastError)}\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function probe(options: ReadinessOptions): Promise<void> {
  const connection = await Connection.connect({ address: options.address, connectTimeout: 1_000 });
  try {
    const service = connection.workflowService;
    await service.getSystemInfo({});
    await ensureNamespace(connection, options.namespace, options.retentionDays ?? 3);
    const client = new Client({ connection, namespace: options.namespace });
    const workflowId = `procession-cluster-probe-${randomUUID()}`;
    const handle = await client.workflow.start('procession-cluster-probe', {
      taskQueue: 'procession-cluster-probe',
      workflowId,
      workflowExecutionTimeout: '1 minute',
    });
    await handle.terminate('readiness probe');
    await service.deleteWorkflowExecution({
      namespace: options.namespace,
      workflowExecution: { workflowId, runId: handle.firstExecutionRunId },
    });
  } finally {
    await connection.close();
  }
}

async function ensureNamespace(
  connection: Connection,
  namespace: string,
  retentionDays: number,
): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return;
  } catch (error) {
    if ((error as { code?: number }).code !== 5 /* NOT_FOUND */) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
    });
  } catch (error) {
    if ((error as { code?: number }).code !== 6 /* ALREADY_EXISTS */) throw error;
  }
}
