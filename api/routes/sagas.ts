import { WorkflowNotFoundError } from '@temporalio/client';
import type { TypedApp } from '../typedApp';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { dateTime, errorResponses, strictObject, uiLink, longId } from '../schemas';
import { tryQuery, withTemporalDeadline, workflowUiUrl } from '../temporal';

const sagaView = {
  type: 'object',
  properties: {
    workflowId: { type: 'string' },
    runId: { type: 'string' },
    workflowType: { type: 'string' },
    status: { type: 'string' },
    startTime: dateTime,
    closeTime: { anyOf: [dateTime, { type: 'null' }] },
    historyLength: { type: 'integer' },
    progress: {},
    uiUrl: uiLink,
  },
  required: ['workflowId', 'workflowType', 'status', 'startTime', 'closeTime', 'progress', 'uiUrl'],
} as const;

export function registerSagaRoutes(app: TypedApp, deps: ApiDependencies): void {
  app.get(
    '/sagas/:workflowId',
    {
      schema: {
        params: strictObject({ workflowId: longId }),
        response: { 200: sagaView, ...errorResponses },
      },
    },
    async (request) => {
      const { workflowId } = request.params;
      const handle = deps.temporal.client.workflow.getHandle(workflowId);
      let description;
      try {
        description = await withTemporalDeadline(deps, () => handle.describe());
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          throw new ApiError(404, 'WorkflowNotFound', `No workflow ${workflowId} (or it is past retention)`, {
            workflowId,
          });
        }
        throw error;
      }
      // Every Procession saga answers 'progress'; any other workflow, or one with no worker, gets null.
      const progress = await tryQuery<unknown>(deps, workflowId, 'progress');
      return {
        workflowId,
        runId: description.runId,
        workflowType: description.type,
        status: description.status.name,
        startTime: description.startTime,
        closeTime: description.closeTime ?? null,
        historyLength: description.historyLength,
        progress: progress.kind === 'answered' ? (progress.value ?? null) : null,
        uiUrl: workflowUiUrl(deps, workflowId),
      };
    },
  );
}
