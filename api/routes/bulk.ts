import { WorkflowNotFoundError, type SignalDefinition } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { handleCommand } from '../../engine/eventstore/commandHandler';
import {
  cancelBulkSignal,
  pauseBulkSignal,
  resumeBulkSignal,
} from '../../workflows/disableAllCustomers/contract';
import {
  bulkNotFound,
  currentProgress,
  links,
  loadBulk,
  progressAfterSignal,
  progressView,
  type BulkProgressView,
} from '../bulkProgress';
import {
  commandHeaders,
  envelopeFor,
  markReplay,
  newAggregateId,
  type CommandHeaders,
} from '../commandContext';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { errorResponses, idParams, strictObject, text, uiLink } from '../schemas';
import { withTemporalDeadline } from '../temporal';
import { shop } from '../../domain/registry';

const accepted = {
  type: 'object',
  properties: { bulkId: { type: 'string' }, workflowId: { type: 'string' }, uiUrl: uiLink },
  required: ['bulkId', 'workflowId', 'uiUrl'],
} as const;

async function signalBulk(
  deps: ApiDependencies,
  bulkId: string,
  action: string,
  signal: SignalDefinition<[]>,
): Promise<BulkProgressView> {
  const { workflowId } = links(deps, bulkId);
  const handle = deps.temporal.client.workflow.getHandle(workflowId);
  const closed = (status: string) =>
    new ApiError(
      409,
      'BulkOperationClosed',
      `Cannot ${action} bulk operation ${bulkId}: its workflow is no longer running (${status})`,
      { bulkId, workflowId, status },
    );
  let status: string;
  try {
    status = (await withTemporalDeadline(deps, () => handle.describe())).status.name;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    const bulk = await loadBulk(deps, bulkId);
    if (!bulk) throw bulkNotFound(bulkId);
    if (bulk.state.status !== 'requested') throw closed(bulk.state.status.toUpperCase());
    throw new ApiError(
      404,
      'BulkWorkflowNotStarted',
      `Bulk operation ${bulkId} was requested but its workflow has not started yet; retry in a moment`,
      { bulkId, workflowId },
    );
  }
  if (status !== 'RUNNING') throw closed(status);
  try {
    await withTemporalDeadline(deps, () => handle.signal(signal));
  } catch (error) {
    // It closed between the describe and the signal.
    if (error instanceof WorkflowNotFoundError) throw closed('CLOSED');
    throw error;
  }
  return progressAfterSignal(deps, bulkId);
}

async function requestDisableAll(
  deps: ApiDependencies,
  request: FastifyRequest<{ Headers: CommandHeaders; Body: { reason: string } }>,
  response: FastifyReply,
) {
  const bulkId = newAggregateId(request, 'bulk');
  // The customer set is fixed by where this request lands in the log (see domain/bulk), so the command
  // is the same on every retry with the same key and the command id makes it idempotent.
  const result = await handleCommand(
    deps.pool,
    shop,
    envelopeFor(request, {
      type: 'RequestDisableAllCustomers',
      data: { bulkId, reason: request.body.reason },
    }),
  );
  markReplay(response, result);
  response.header('location', `/bulk/${encodeURIComponent(bulkId)}`);
  return response.code(202).send({ bulkId, ...links(deps, bulkId) });
}

export function registerBulkRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  app.post<{ Headers: CommandHeaders; Body: { reason: string } }>(
    '/bulk/disable-all-customers',
    {
      schema: {
        headers: commandHeaders,
        body: strictObject({ reason: text(500) }, ['reason']),
        response: { 202: accepted, ...errorResponses },
      },
    },
    (request, response) => requestDisableAll(deps, request, response),
  );

  app.get<{ Params: { bulkId: string } }>(
    '/bulk/:bulkId',
    { schema: { params: idParams('bulkId'), response: { 200: progressView, ...errorResponses } } },
    (request) => currentProgress(deps, request.params.bulkId),
  );

  const signals = { pause: pauseBulkSignal, resume: resumeBulkSignal, cancel: cancelBulkSignal };
  for (const [action, signal] of Object.entries(signals)) {
    app.post<{ Params: { bulkId: string } }>(
      `/bulk/:bulkId/${action}`,
      { schema: { params: idParams('bulkId'), response: { 202: progressView, ...errorResponses } } },
      async (request, response) =>
        response.code(202).send(await signalBulk(deps, request.params.bulkId, action, signal)),
    );
  }
}
