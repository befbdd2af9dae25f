import { WorkflowNotFoundError } from '@temporalio/client';
import type { TypedApp } from '../typedApp';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { sagaView, type SagaActivity } from '../contract';
import { errorResponses, strictObject, longId } from '../schemas';
import { sagaActivities } from '../sagaActivities';
import { tryQuery, withTemporalDeadline, workflowUiUrl } from '../temporal';

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
      const [progress, activities] = await Promise.all([
        tryQuery<unknown>(deps, workflowId, 'progress'),
        sagaActivities(deps, workflowId).catch(() => null),
      ]);
      const progressValue = progress.kind === 'answered' ? (progress.value ?? null) : null;
      return {
        workflowId,
        runId: description.runId,
        workflowType: description.type,
        status: description.status.name,
        startTime: description.startTime,
        closeTime: description.closeTime ?? null,
        historyLength: description.historyLength,
        progress: progressValue,
        activities: activities && withCompensations(activities, progressValue),
        uiUrl: workflowUiUrl(deps, workflowId),
      };
    },
  );
}

/** Marks the commands that were undos, as far as the saga's progress names them (the order saga's does). */
function withCompensations(activities: SagaActivity[], progress: unknown) {
  const undone = (progress as { compensations?: unknown } | null)?.compensations;
  const steps = new Set(Array.isArray(undone) ? undone.filter((step) => typeof step === 'string') : []);
  return activities.map((activity) => ({
    ...activity,
    compensation: activity.step !== null && steps.has(activity.step),
  }));
}
