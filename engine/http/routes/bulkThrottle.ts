import { Type } from 'typebox';
import { maxItemsPerSecondAllowed, maxPagesInFlightAllowed } from '../../bulk/flowControl';
import { throttleBulkSignal } from '../../bulk/contract';
import { bulkProgressView } from '../contract';
import type { ApiDependencies } from '../dependencies';
import { errorResponses, idParams } from '../schemas';
import type { TypedApp } from '../typedApp';
import { signalBulk } from './bulk';

const throttleBody = Type.Object(
  {
    maxItemsPerSecond: Type.Optional(
      Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: maxItemsPerSecondAllowed }), Type.Null()], {
        description: 'Items per second at most; null lifts the limit',
      }),
    ),
    maxPagesInFlight: Type.Optional(
      Type.Integer({ minimum: 1, maximum: maxPagesInFlightAllowed, description: 'Page activities at once' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

/**
 * `POST /bulk/:bulkId/throttle`: new limits for a run that is going (or scheduled), as a signal its
 * page loop reads before the next page; a limit left out keeps its value.
 */
export function registerBulkThrottleRoute(app: TypedApp, deps: ApiDependencies): void {
  app.post(
    '/bulk/:bulkId/throttle',
    {
      config: { access: 'admin' },
      schema: {
        params: idParams('bulkId'),
        body: throttleBody,
        response: { 202: bulkProgressView, ...errorResponses },
      },
    },
    async (request, response) =>
      response
        .code(202)
        .send(await signalBulk(deps, request.params.bulkId, 'throttle', throttleBulkSignal, request.body)),
  );
}
