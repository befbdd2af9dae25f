import { WorkflowNotFoundError } from '@temporalio/client';
import { Type } from 'typebox';
import { correlationsOfStream, readCorrelation } from '../../eventstore/correlationEvents';
import { CorrelationId } from '../../saga/searchAttributes';
import { causationTree } from '../../causation/causationTree';
import type { ApiDependencies } from '../dependencies';
import type { TypedApp } from '../typedApp';
import { ApiError } from '../errors';
import { correlationsFound, trace, type CausationNode, type TraceNode } from '../contract';
import { errorResponses, longId, strictObject } from '../schemas';
import { withTemporalDeadline, workflowUiUrl } from '../temporal';

/** A large bulk task puts every item's command under one correlation: a trace shows the first ones. */
const maxTraceEvents = 5_000;

// Correlation ids are whatever the client sent as X-Correlation-Id (1–200 characters) or a UUID.
const correlationIdSchema = Type.String({ minLength: 1, maxLength: 200 });

type SagaStatus = Required<Pick<TraceNode, 'status' | 'startTime' | 'closeTime' | 'uiUrl'>>;

/** What Temporal says of a saga now; a saga past retention or an unreachable server leaves nulls. */
async function sagaStatus(deps: ApiDependencies, workflowId: string): Promise<SagaStatus> {
  const uiUrl = workflowUiUrl(deps, workflowId);
  try {
    const description = await withTemporalDeadline(deps, () =>
      deps.temporal.client.workflow.getHandle(workflowId).describe(),
    );
    return {
      status: description.status.name,
      startTime: description.startTime,
      closeTime: description.closeTime ?? null,
      uiUrl,
    };
  } catch {
    return { status: null, startTime: null, closeTime: null, uiUrl };
  }
}

async function withSagaStatus(deps: ApiDependencies, nodes: CausationNode[]): Promise<TraceNode[]> {
  return Promise.all(
    nodes.map(async (node) =>
      node.kind === 'saga' && node.workflowId
        ? { ...node, ...(await sagaStatus(deps, node.workflowId)) }
        : node,
    ),
  );
}

/**
 * Causation trees: what one request set off, across aggregates and sagas, from the metadata every event
 * carries (correlation, causation and command ids, the sending saga's workflow id).
 */
export function registerTraceRoutes(app: TypedApp, deps: ApiDependencies): void {
  app.get(
    '/trace/:correlationId',
    {
      schema: {
        params: strictObject({ correlationId: correlationIdSchema }),
        response: {
          200: trace,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { correlationId } = request.params;
      const { events, truncated } = await readCorrelation(deps.pool, correlationId, maxTraceEvents);
      if (events.length === 0) {
        throw new ApiError(
          404,
          'CorrelationNotFound',
          `No event was recorded under correlation id ${correlationId}`,
          {
            correlationId,
          },
        );
      }
      const tree = causationTree(correlationId, events, deps.application.triggers);
      return { correlationId, truncated, nodes: await withSagaStatus(deps, tree.nodes) };
    },
  );

  // Finding a correlation id: from a stream (its events' metadata) or a saga (its search attribute).
  app.get(
    '/trace',
    {
      schema: {
        querystring: strictObject({ streamId: Type.Optional(longId), workflowId: Type.Optional(longId) }),
        response: {
          200: correlationsFound,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { streamId, workflowId } = request.query;
      if ((streamId === undefined) === (workflowId === undefined)) {
        throw new ApiError(400, 'ValidationFailed', 'Give exactly one of ?streamId= or ?workflowId=');
      }
      if (streamId !== undefined) {
        const correlationIds = await correlationsOfStream(deps.pool, streamId);
        if (correlationIds.length === 0)
          throw new ApiError(404, 'StreamNotFound', `Stream ${streamId} has no events`, { streamId });
        return { correlationIds };
      }
      let correlationId: string | undefined;
      try {
        const description = await withTemporalDeadline(deps, () =>
          deps.temporal.client.workflow.getHandle(workflowId!).describe(),
        );
        correlationId = description.typedSearchAttributes.get(CorrelationId);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          throw new ApiError(404, 'WorkflowNotFound', `No workflow ${workflowId} (or it is past retention)`, {
            workflowId,
          });
        }
        throw error;
      }
      return { correlationIds: correlationId === undefined ? [] : [correlationId] };
    },
  );
}
