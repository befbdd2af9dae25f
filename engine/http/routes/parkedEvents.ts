import { Type } from 'typebox';
import type { TypedApp } from '../typedApp';
import { listIgnoredDeliveries, listParkedEvents, requestReplay } from '../../eventstore/parkedEvents';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { ignoredDeliveryList, parkedEventList, parkedStatus, replayRequested } from '../contract';
import { errorResponses, pageLimitString, strictObject } from '../schemas';

const uuidParams = strictObject({ eventId: Type.String({ format: 'uuid' }) });

/**
 * What the relay could not or chose not to deliver. Nothing is dropped silently: a parked event stays
 * here with its error until someone replays it; the relay carries the replay out.
 */
export function registerParkedEventRoutes(app: TypedApp, deps: ApiDependencies): void {
  app.get(
    '/parked-events',
    {
      schema: {
        querystring: strictObject({
          status: Type.Optional(parkedStatus),
          limit: Type.Optional(pageLimitString),
        }),
        response: { 200: parkedEventList, ...errorResponses },
      },
    },
    async (request) => {
      const limit = Number(request.query.limit ?? 100);
      return { items: await listParkedEvents(deps.pool, { status: request.query.status, limit }) };
    },
  );

  app.post(
    '/parked-events/:eventId/replay',
    {
      config: { access: 'admin' },
      schema: {
        params: uuidParams,
        response: {
          202: replayRequested,
          ...errorResponses,
        },
      },
    },
    async (request, response) => {
      const marked = await requestReplay(deps.pool, request.params.eventId);
      if (marked === 0) {
        throw new ApiError(
          404,
          'ParkedEventNotFound',
          `no parked event ${request.params.eventId} is waiting for a replay`,
        );
      }
      response.code(202);
      return { eventId: request.params.eventId, replayRequested: marked };
    },
  );

  app.get(
    '/ignored-deliveries',
    {
      schema: {
        querystring: strictObject({ limit: Type.Optional(pageLimitString) }),
        response: { 200: ignoredDeliveryList, ...errorResponses },
      },
    },
    async (request) => ({
      items: await listIgnoredDeliveries(deps.pool, Number(request.query.limit ?? 100)),
    }),
  );
}
