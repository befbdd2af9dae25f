import { WorkflowNotFoundError } from '@temporalio/client';
import { Type } from 'typebox';
import { correlationsOfStream, readCorrelation } from '../../eventstore/correlationEvents';
import { CorrelationId } from '../../saga/searchAttributes';
import { causationTree } from '../../causation/causationTree';
import type { ApiDependencies } from '../dependencies';
import type { TypedApp } from '../typedApp';
import { ApiError } from '../errors';
import {
  correlationsFound,
  trace,
  type CausationNode,
  type CorrelationsFound,
  type Trace,
  type TraceNode,
} from '../contract';
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

async function traceOf(deps: ApiDependencies, correlationId: string): Promise<Trace> {
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
}

async function correlationsOfStreamOrFail(
  deps: ApiDependencies,
  streamId: string,
): Promise<CorrelationsFound> {
  const correlationIds = await correlationsOfStream(deps.pool, streamId);
  if (correlationIds.length === 0)
    throw new ApiError(404, 'StreamNotFound', `Stream ${streamId} has no events`, { streamId });
  return { correlationIds };
}

/** A saga's correlation is its search attribute (none on a workflow that is not a Procession saga). */
async function correlationsOfWorkflow(deps: ApiDependencies, workflowId: string): Promise<CorrelationsFound> {
  try {
    const description = await withTemporalDeadline(deps, () =>
      deps.temporal.client.workflow.getHandle(workflowId).describe(),
    );
    const correlationId = description.typedSearchAttributes.get(CorrelationId);
    return { correlationIds: correlationId === undefined ? [] : [correlationId] };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      throw new ApiError(404, 'WorkflowNotFound', `No workflow ${workflowId} (or it is past retention)`, {
        workflowId,
      });
    }
    throw error;
  }
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
        response: { 200: trace, ...errorResponses },
      },
    },
    (request) => traceOf(deps, request.params.correlationId),
  );

  // Finding a correlation id: from a stream (its events' metadata) or a saga (its search attribute).
  app.get(
    '/trace',
    {
      schema: {
        querystring: strictObject({ streamId: Type.Optional(longId), workflowId: Type.Optional(longId) }),
        response: { 200: correlationsFound, ...errorResponses },
      },
    },
    async (request) => {
      const { streamId, workflowId } = request.query;
      if (streamId !== undefined && workflowId === undefined)
        return correlationsOfStreamOrFail(deps, streamId);
      if (workflowId !== undefined && streamId === undefined) return correlationsOfWorkflow(deps, workflowId);
      throw new ApiError(400, 'ValidationFailed', 'Give exactly one of ?streamId= or ?workflowId=');
    },
  );
}
