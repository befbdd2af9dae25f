import { WorkflowNotFoundError, type SignalDefinition } from '@temporalio/client';
import type { FastifyReply } from 'fastify';
import type { BulkTask } from '../../bulk/bulkTask';
import type { BulkTaskState } from '../../bulk/bulkTaskAggregate';
import { cancelBulkSignal, pauseBulkSignal, resumeBulkSignal } from '../../bulk/contract';
import { currentProgress, links, loadBulk, progressAfterSignal } from '../bulkProgress';
import { bulkAccepted, bulkProgressView, bulkTaskList, type BulkProgressView } from '../contract';
import { Type } from 'typebox';
import { bulkSampleSize, previewBulkTask } from '../../bulk/bulkPreview';
import { readableLogHead } from '../../eventstore/logHead';
import { logStart } from '../../eventstore/types';
import {
  commandHeaders,
  isDryRun,
  newAggregateId,
  sendCommand,
  type CommandHeaders,
  type CommandRequest,
} from '../commandContext';
import { awaitReadModel } from '../readYourWrites';
import { bulkRunOptions, bulkRunQuery, type BulkRunQuery } from '../bulkRunOptions';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { errorResponses, id, idParams, strictObject } from '../schemas';
import { withTemporalDeadline } from '../temporal';
import type { TypedApp } from '../typedApp';

/** A bulk task's dry run: how many items a run requested now would visit, and the first of them. */
const bulkPreview = Type.Object(
  {
    dryRun: Type.Literal(true),
    task: Type.String(),
    asOf: Type.Object({ transactionId: Type.String(), globalPosition: Type.String() }),
    count: Type.Integer({ minimum: 0 }),
    sample: Type.Array(Type.String(), { maxItems: bulkSampleSize }),
  },
  { description: 'Dry run (?dryRun=true): nothing was written and no run was started' },
);

export async function signalBulk<Args extends unknown[]>(
  deps: ApiDependencies,
  bulkId: string,
  action: string,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<BulkProgressView> {
  const bulk: BulkTaskState = await loadBulk(deps, bulkId);
  const { workflowId } = links(deps, bulk.task, bulkId);
  const closed = (status: string) =>
    new ApiError(
      409,
      'BulkTaskClosed',
      `Cannot ${action} bulk task ${bulkId}: its workflow is no longer running (${status})`,
      { bulkId, workflowId, status },
    );
  if (bulk.status !== 'requested') throw closed(bulk.status.toUpperCase());
  const handle = deps.temporal.client.workflow.getHandle(workflowId);
  let status: string;
  try {
    status = (await withTemporalDeadline(deps, () => handle.describe())).status.name;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    throw new ApiError(
      404,
      'BulkWorkflowNotStarted',
      `Bulk task ${bulkId} was requested but its workflow has not started yet; retry in a moment`,
      { bulkId, workflowId },
    );
  }
  if (status !== 'RUNNING') throw closed(status);
  try {
    await withTemporalDeadline(deps, () => handle.signal(signal, ...args));
  } catch (error) {
    // It closed between the describe and the signal.
    if (error instanceof WorkflowNotFoundError) throw closed('CLOSED');
    throw error;
  }
  return progressAfterSignal(deps, bulk);
}

async function requestTask(
  deps: ApiDependencies,
  task: BulkTask,
  request: CommandRequest & { body: Record<string, unknown>; query: BulkRunQuery },
  response: FastifyReply,
) {
  const options = bulkRunOptions(request.query);
  if (isDryRun(request)) {
    const head = await readableLogHead(deps.pool);
    // As a real run does, count only once the read model has reached the request (an empty log has
    // nothing to reach).
    if (head && task.items.readModel)
      await awaitReadModel(deps, task.items.readModel, { minPosition: head.globalPosition });
    const preview = await previewBulkTask(deps.pool, task, request.body, head ?? logStart);
    return response.code(200).send({ dryRun: true, task: task.name, ...preview });
  }
  const bulkId = newAggregateId(request, 'bulk');
  // The item set is fixed by where this request lands in the log, so the command is the same on every
  // retry with the same key and the command id makes it idempotent.
  const result = await sendCommand(deps, request, response, {
    type: 'RequestBulkTask',
    data: { bulkId, task: task.name, params: request.body, ...options },
  });
  response.header('location', `/bulk/${encodeURIComponent(bulkId)}`);
  return response.code(202).send({ bulkId, ...links(deps, task.name, bulkId), position: result.position });
}

/** The tasks there are, one route per task to request a run, and a 404 that names them for any other. */
function registerTaskRoutes(app: TypedApp, deps: ApiDependencies): void {
  const { bulkTasks } = deps.application;
  app.get('/bulk-tasks', { schema: { response: { 200: bulkTaskList, ...errorResponses } } }, async () => ({
    items: bulkTasks.map(({ name, title, description, params }) => ({
      name,
      title,
      description,
      route: `/bulk/${name}`,
      params,
    })),
  }));

  for (const task of bulkTasks) {
    // The task's parameter schema is known only at run time, so the body type is stated; stating it
    // turns off inference for the whole route, so the headers take theirs from their schema by name.
    app.post<{ Headers: CommandHeaders; Body: Record<string, unknown>; Querystring: BulkRunQuery }>(
      `/bulk/${task.name}`,
      {
        config: { access: 'admin', dryRun: bulkPreview },
        schema: {
          headers: commandHeaders,
          querystring: strictObject(bulkRunQuery),
          body: task.params,
          response: { 202: bulkAccepted, ...errorResponses },
        },
      },
      (request, response) => requestTask(deps, task, request, response),
    );
  }

  // Static routes win over this one: it only answers for a name no task has.
  app.post(
    '/bulk/:task',
    {
      // Any body, and a dry run too: the answer is the same 404 whatever was sent.
      config: { access: 'admin', anyBody: true, dryRun: bulkPreview },
      schema: { params: strictObject({ task: id }), response: errorResponses },
    },
    async (request) => {
      throw new ApiError(404, 'UnknownBulkTask', `There is no bulk task named '${request.params.task}'`, {
        task: request.params.task,
        tasks: bulkTasks.map((task) => task.name),
      });
    },
  );
}

/** What every run shares: its progress, and pause, resume and cancel. */
function registerRunRoutes(app: TypedApp, deps: ApiDependencies): void {
  app.get(
    '/bulk/:bulkId',
    { schema: { params: idParams('bulkId'), response: { 200: bulkProgressView, ...errorResponses } } },
    (request) => currentProgress(deps, request.params.bulkId),
  );

  const signals = { pause: pauseBulkSignal, resume: resumeBulkSignal, cancel: cancelBulkSignal };
  for (const [action, signal] of Object.entries(signals)) {
    app.post(
      `/bulk/:bulkId/${action}`,
      {
        config: { access: 'admin' },
        schema: { params: idParams('bulkId'), response: { 202: bulkProgressView, ...errorResponses } },
      },
      async (request, response) =>
        response.code(202).send(await signalBulk(deps, request.params.bulkId, action, signal)),
    );
  }
}

/**
 * One route per bulk task (`POST /bulk/<task>`, its body the task's parameters, validated by their
 * schema) and the routes every run shares: progress, pause, resume, cancel.
 */
export function registerBulkRoutes(app: TypedApp, deps: ApiDependencies): void {
  registerTaskRoutes(app, deps);
  registerRunRoutes(app, deps);
}
