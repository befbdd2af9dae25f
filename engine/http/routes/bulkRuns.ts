import { Type } from 'typebox';
import { recentBulkRequests } from '../../eventstore/bulkRequests';
import type { ApiDependencies } from '../dependencies';
import { errorResponses, pageLimitString, strictObject } from '../schemas';
import type { TypedApp } from '../typedApp';

const bulkRunList = Type.Object({
  items: Type.Array(
    Type.Object({
      bulkId: Type.String(),
      task: Type.String(),
      params: Type.Record(Type.String(), Type.Unknown()),
      requestedAt: Type.String({ format: 'date-time' }),
    }),
  ),
});

/** `GET /bulk`: the newest runs, newest first; each one's progress is at `/bulk/:bulkId`. */
export function registerBulkRunsRoute(app: TypedApp, deps: ApiDependencies): void {
  app.get(
    '/bulk',
    {
      schema: {
        querystring: strictObject({ limit: Type.Optional(pageLimitString) }),
        response: { 200: bulkRunList, ...errorResponses },
      },
    },
    async (request) => {
      const limit = request.query.limit === undefined ? 20 : Number(request.query.limit);
      const runs = await recentBulkRequests(deps.pool, limit);
      return { items: runs.map((run) => ({ ...run, requestedAt: run.requestedAt.toISOString() })) };
    },
  );
}
