import {
  commandHeaders,
  errorResponses,
  idParams,
  logPosition,
  type ApiDependencies,
  type TypedApp,
} from '../../engine/http';
import { sendShopCommand } from '../commands';

export function registerShipmentRoutes(app: TypedApp, deps: ApiDependencies): void {
  // The warehouse's door: ShipmentDispatched is the fact the fulfillment saga waits for.
  app.post(
    '/shipments/:orderId/dispatch',
    {
      schema: {
        headers: commandHeaders,
        params: idParams('orderId'),
        response: {
          200: {
            type: 'object',
            properties: {
              orderId: { type: 'string' },
              version: { type: 'integer' },
              changed: { type: 'boolean' },
              position: logPosition,
            },
            required: ['orderId', 'version', 'changed', 'position'],
          },
          ...errorResponses,
        },
      },
    },
    async (request, response) => {
      const { orderId } = request.params;
      const result = await sendShopCommand(deps, request, response, {
        type: 'DispatchShipment',
        data: { orderId },
      });
      return { orderId, version: result.version, changed: result.changed, position: result.position };
    },
  );
}
