import { Type } from 'typebox';
import type { TypedApp } from '../typedApp';
import { loadAggregate } from '../aggregates';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { streamView } from '../contract';
import { errorResponses, longId, positiveIntegerString, strictObject } from '../schemas';

export function registerStreamRoutes(app: TypedApp, deps: ApiDependencies): void {
  // Playback: the aggregate as it was at a version or a time, and the events that made it so.
  app.get(
    '/streams/:streamId',
    {
      schema: {
        params: strictObject({ streamId: longId }),
        querystring: strictObject({
          upToVersion: Type.Optional(positiveIntegerString),
          upToTime: Type.Optional(Type.String({ format: 'date-time' })),
        }),
        response: {
          200: streamView,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { streamId } = request.params;
      const decider = deps.application.registry.aggregateForStream(streamId);
      if (!decider) {
        throw new ApiError(
          400,
          'UnknownStreamType',
          `Stream ${streamId} is not of a known type; stream ids look like <type>-<id>`,
          { streamId },
        );
      }
      const { upToVersion, upToTime } = request.query;
      const stream = await loadAggregate(deps.pool, decider, streamId, {
        upToVersion: upToVersion === undefined ? undefined : Number(upToVersion),
        upToTime: upToTime === undefined ? undefined : new Date(upToTime),
      });
      if (!stream) {
        const when = upToTime === undefined ? '' : ` at or before ${upToTime}`;
        throw new ApiError(404, 'StreamNotFound', `Stream ${streamId} has no events${when}`, { streamId });
      }
      return {
        streamId,
        version: stream.version,
        state: stream.state,
        events: stream.events,
      };
    },
  );
}
