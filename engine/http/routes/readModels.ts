import { Type } from 'typebox';
import type { TypedApp } from '../typedApp';
import { projectionPosition, resetProjection } from '../../projections/projectionRunner';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { errorResponses, strictObject } from '../schemas';

const readModelView = {
  type: 'object',
  properties: { name: { type: 'string' }, position: { type: 'string' }, transactionId: { type: 'string' } },
  required: ['name', 'position', 'transactionId'],
} as const;

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
    const at = await projectionPosition(deps.pool, named(name));
    return { name, position: at.globalPosition, transactionId: at.transactionId };
  };

  app.get(
    '/read-models',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: readModelView } },
            required: ['items'],
          },
          ...errorResponses,
        },
      },
    },
    async () => ({ items: await Promise.all(projections.map((projection) => view(projection.name))) }),
  );

  // Empties the tables and moves the checkpoint to the start; the running projection refills them.
  app.post(
    '/read-models/:name/rebuild',
    {
      config: { access: 'admin' },
      schema: {
        params: strictObject({ name: Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,62}$' }) }),
        response: { 202: readModelView, ...errorResponses },
      },
    },
    async (request, response) => {
      await resetProjection(deps.pool, named(request.params.name));
      return response.code(202).send(await view(request.params.name));
    },
  );
}
