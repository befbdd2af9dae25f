// What the bulk route tests do besides calling the route under test: request a bulk, fake its saga, act as it.
import { randomUUID } from 'node:crypto';
import { handleCommand } from '../../engine/commands/commandHandler';
import { shop } from '../../domain/registry';
import type { ApiTest } from './apiHarness';

/** The helpers for a test file whose API `currentApi` answers once its beforeAll has run. */
export function bulkHelpers(currentApi: () => ApiTest) {
  async function requestBulk(
    params: Record<string, unknown> = { reason: 'compliance sweep' },
    task = 'disable-all-customers',
    headers: Record<string, string> = {},
  ) {
    const response = await currentApi().request({
      method: 'POST',
      url: `/bulk/${task}`,
      headers,
      payload: params,
    });
    expect(response.statusCode).toBe(202);
    return response.json() as { bulkId: string; workflowId: string; uiUrl: string | null };
  }

  /** A workflow with the bulk's id on a task queue no worker polls: it exists, but never answers. */
  async function startIdleBulkWorkflow(bulkId: string) {
    const api = currentApi();
    const workflowId = `disable-all-customers:${bulkId}`;
    api.trackWorkflow(workflowId);
    return api.temporal.client.workflow.start('bulkTask', {
      workflowId,
      taskQueue: api.temporal.taskQueue,
      args: [{}],
    });
  }

  /** What the bulk saga would do: the same command handler, straight from the test. */
  const sendAsTest = (command: Parameters<typeof shop.streamIdFor>[0]) =>
    handleCommand(currentApi().database.pool, shop, {
      commandId: randomUUID(),
      command,
      metadata: { correlationId: 'c', causationId: 'c', actor: 'test' },
    });

  return { requestBulk, startIdleBulkWorkflow, sendAsTest };
}
