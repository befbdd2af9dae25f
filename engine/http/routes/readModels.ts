import { Type } from 'typebox';
import type { TypedApp } from '../typedApp';
import { projectionPosition, resetProjection } from '../../projections/projectionRunner';
import { RebuildAlreadyRunning, startOnlineRebuild } from '../../projections/onlineRebuild';
import { loadRebuild, rebuildLockSql } from '../../eventstore/readModelRebuilds';
import { loadCheckpoint } from '../../eventstore/checkpoints';
import { OnlineRebuildRefused } from '../../eventstore/shadowTables';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { errorResponses, nullable, nullableString, strictObject } from '../schemas';

const rebuildView = nullable(
  Type.Object(
    {
      phase: Type.Union([
        Type.Literal('building'),
        Type.Literal('swapping'),
        Type.Literal('done'),
        Type.Literal('failed'),
      ]),
      running: Type.Boolean({
        description:
          'A process holds the rebuild; false while building means interrupted: POST again to resume',
      }),
      startedAt: Type.String(),
      swappedAt: nullableString,
      finishedAt: nullableString,
      eventsApplied: Type.String(),
      /** How far the new tables are, while they are being built. */
      position: nullableString,
      error: nullableString,
    },
    { description: 'The latest online rebuild, if any' },
  ),
);

const readModelView = Type.Object({
  name: Type.String(),
  position: Type.String(),
  transactionId: Type.String(),
  rebuild: rebuildView,
});

const nameParams = strictObject({ name: Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,62}$' }) });

/** The read models and where each has read up to; an admin can have one rebuilt from the start of the log. */
export function registerReadModelRoutes(app: TypedApp, deps: ApiDependencies): void {
  const { projections } = deps.application;
  const named = (name: string) => {
    const projection = projections.find((candidate) => candidate.name === name);
    if (!projection)
      throw new ApiError(404, 'ReadModelNotFound', `There is no read model named '${name}'`, {
        readModels: projections.map((candidate) => candidate.name),
      });
    return projection;
  };
  const view = async (name: string) => {
    const projection = named(name);
    const [at, rebuild, held, shadowAt] = await Promise.all([
      projectionPosition(deps.pool, projection),
      loadRebuild(deps.pool, name),
      deps.pool.query<{ held: boolean }>(rebuildLockSql.held, [name]),
      loadCheckpoint(deps.pool, `${projection.subscriptionId}:rebuild`),
    ]);
    const building = rebuild?.phase === 'building' || rebuild?.phase === 'swapping';
    return {
      name,
      position: at.globalPosition,
      transactionId: at.transactionId,
      rebuild: rebuild
        ? { ...rebuild, running: held.rows[0]!.held, position: building ? shadowAt.globalPosition : null }
        : null,
    };
  };

  app.get(
    '/read-models',
    {
      schema: {
        response: {
          200: Type.Object({ items: Type.Array(readModelView) }),
          ...errorResponses,
        },
      },
    },
    async () => ({ items: await Promise.all(projections.map((projection) => view(projection.name))) }),
  );

  app.get(
    '/read-models/:name',
    { schema: { params: nameParams, response: { 200: readModelView, ...errorResponses } } },
    async (request) => view(request.params.name),
  );

  // reset (the default): empties the tables and moves the checkpoint to the start; the running projection
  // refills them, and reads see them filling. online: builds a second set beside the live one and swaps
  // it in when caught up (engine/projections/onlineRebuild.ts); reads keep answering from the live set.
  app.post(
    '/read-models/:name/rebuild',
    {
      config: { access: 'admin' },
      schema: {
        params: nameParams,
        querystring: strictObject({
          mode: Type.Optional(Type.Union([Type.Literal('reset'), Type.Literal('online')])),
        }),
        response: { 202: readModelView, ...errorResponses },
      },
    },
    async (request, response) => {
      const projection = named(request.params.name);
      if (request.query.mode === 'online') {
        const started = await startOnlineRebuild(deps.pool, projection).catch((error: unknown) => {
          if (error instanceof OnlineRebuildRefused)
            throw new ApiError(
              409,
              'OnlineRebuildRefused',
              `${error.message} (POST …/rebuild without mode=online)`,
            );
          if (error instanceof RebuildAlreadyRunning)
            throw new ApiError(
              409,
              'RebuildAlreadyRunning',
              `${error.message}; watch it at GET /read-models/${projection.name}`,
            );
          throw error;
        });
        started.finished.catch((error: unknown) =>
          request.log.error({ error: String(error) }, `online rebuild of ${projection.name} failed`),
        );
      } else {
        await resetProjection(deps.pool, projection);
      }
      response.header('location', `/read-models/${projection.name}`);
      return response.code(202).send(await view(projection.name));
    },
  );
}
