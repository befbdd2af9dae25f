import { Type } from 'typebox';
import { bulkSampleSize } from '../../bulk/bulkPreview';
import { bulkTaskAggregate, type BulkTaskCommand } from '../../bulk/bulkTaskAggregate';
import { previewRevert } from '../../bulk/revert/revertPreview';
import { revertBulkTaskName } from '../../bulk/revert/revertBulkTask';
import { commandGroupsFor } from '../../commands/commandGroups';
import { loadAggregate } from '../aggregates';
import { Answered } from '../answered';
import { links, loadBulk } from '../bulkProgress';
import { commandHeaders, envelopeFor, isDryRun, markReplay, newAggregateId } from '../commandContext';
import { bulkRevertAccepted } from '../contract';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { errorResponses, idParams, strictObject } from '../schemas';
import { bulkRunOptions, bulkRunQuery } from '../bulkRunOptions';
import type { TypedApp } from '../typedApp';

const itemReason = Type.Object({ itemId: Type.String(), reason: Type.String() });

const revertPreview = Type.Object(
  {
    dryRun: Type.Literal(true),
    reverts: Type.String(),
    count: Type.Integer({ minimum: 0, description: 'Items the revert would change back' }),
    sample: Type.Array(
      Type.Object({
        itemId: Type.String(),
        command: Type.Unknown({ description: 'The reversing command, or null when nothing needs undoing' }),
        failed: Type.Optional(Type.String({ description: 'Why this item could not be reverted' })),
      }),
      { maxItems: bulkSampleSize },
    ),
    conflicts: Type.Integer({ minimum: 0, description: 'Items changed by something else since: left alone' }),
    conflictSample: Type.Array(itemReason, { maxItems: bulkSampleSize }),
  },
  { description: 'Dry run (?dryRun=true): nothing was written and no run was started' },
);

/**
 * `POST /bulk/:bulkId/revert`: a finished run's changes undone by a new bulk run of the engine's revert
 * task. Two commands: the original records which run reverts it (at most one), then that run is
 * requested under a command id derived from its own id, so a retry, or a second request after a crash
 * between the two, finishes the first instead of starting another.
 */
export function registerBulkRevertRoute(app: TypedApp, deps: ApiDependencies): void {
  app.post(
    '/bulk/:bulkId/revert',
    {
      config: { access: 'admin', dryRun: revertPreview },
      schema: {
        headers: commandHeaders,
        params: idParams('bulkId'),
        querystring: strictObject(bulkRunQuery),
        response: { 202: bulkRevertAccepted, ...errorResponses },
      },
    },
    async (request, response) => {
      const { bulkId } = request.params;
      const options = bulkRunOptions(request.query);
      const original = await loadBulk(deps, bulkId);
      if (original.status === 'requested')
        throw new ApiError(
          409,
          'BulkTaskStillRunning',
          `Bulk task ${bulkId} has not finished; cancel it (or let it end) before reverting it`,
          { bulkId },
        );
      if (isDryRun(request)) {
        const preview = await previewRevert({ db: deps.pool, registry: deps.application.registry }, bulkId);
        throw new Answered(200, { dryRun: true, reverts: bulkId, ...preview });
      }
      const groups = commandGroupsFor(deps.pool, deps.application.registry);
      let revertBulkId = newAggregateId(request, 'bulk');
      // One correlation for both commands: the revert run and its items trace back to this request.
      const marking = envelopeFor<BulkTaskCommand>(request, {
        type: 'RevertBulkTask',
        data: { bulkId, revertBulkId },
      });
      if (original.revertedBy !== undefined && original.revertedBy !== revertBulkId) {
        const requested = await loadAggregate(
          deps.pool,
          bulkTaskAggregate,
          bulkTaskAggregate.streamId(original.revertedBy),
        );
        if (requested)
          throw new ApiError(
            409,
            'BulkTaskAlreadyReverted',
            `Bulk task ${bulkId} is already reverted by ${original.revertedBy}`,
            { bulkId, revertedBy: original.revertedBy },
          );
        revertBulkId = original.revertedBy; // recorded, never requested: finish that one
      } else markReplay(response, await groups.send(marking));
      const result = await groups.send({
        commandId: `bulk-revert:${revertBulkId}`,
        command: {
          type: 'RequestBulkTask',
          data: { bulkId: revertBulkId, task: revertBulkTaskName, params: { bulkId }, ...options },
        },
        metadata: marking.metadata,
      });
      response.header('location', `/bulk/${encodeURIComponent(revertBulkId)}`);
      return response.code(202).send({
        bulkId: revertBulkId,
        reverts: bulkId,
        ...links(deps, revertBulkTaskName, revertBulkId),
        position: result.position,
      });
    },
  );
}
