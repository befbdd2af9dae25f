import type { FastifyInstance } from 'fastify';
import { listIgnoredDeliveries, listParkedEvents, requestReplay } from '../../engine/eventstore/parkedEvents';
import type { ApiDependencies } from '../dependencies';
import { ApiError } from '../errors';
import { errorResponses, pageLimitString, strictObject } from '../schemas';

const uuidParams = strictObject({ eventId: { type: 'string', format: 'uuid' } }, ['eventId']);

/**
 * What the relay could not or chose not to deliver. Nothing is dropped silently: a parked event stays
 * here with its error until someone replays it; the relay carries the replay out.
 */
export function registerParkedEventRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  app.get<{ Querystring: { status?: 'parked' | 'replay_requested' | 'replayed'; limit?: string } }>(
    '/parked-events',
    {
      schema: {
        querystring: strictObject(
          {
            status: { type: 'string', enum: ['parked', 'replay_requested', 'replayed'] },
            limit: pageLimitString,
          },
          [],
        ),
        response: errorResponses,
      },
    },
    async (request) => {
      const limit = Number(request.query.limit ?? 100);
      return { items: await listParkedEvents(deps.pool, { status: request.query.status, limit }) };
    },
  );

  app.post<{ Params: { eventId: string } }>(
    '/parked-events/:eventId/replay',
    { config: { access: 'admin' }, schema: { params: uuidParams, response: errorResponses } },
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

  app.get<{ Querystring: { limit?: string } }>(
    '/ignored-deliveries',
    { schema: { querystring: strictObject({ limit: pageLimitString }, []), response: errorResponses } },
    async (request) => ({
      items: await listIgnoredDeliveries(deps.pool, Number(request.query.limit ?? 100)),
    }),
  );
}
