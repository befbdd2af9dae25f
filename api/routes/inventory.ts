import { Type } from 'typebox';
import {
  ApiError,
  commandHeaders,
  errorResponses,
  idParams,
  loadAggregate,
  logPosition,
  strictObject,
  type ApiDependencies,
  type TypedApp,
} from '../../engine/http';
import { sendShopCommand } from '../commands';
import { availability, inventoryAggregate } from '../../domain/inventory/inventory';

// Keeps stock counts far below Number.MAX_SAFE_INTEGER however many receipts a sku sees.
const maxQuantity = 1_000_000;

const stockView = {
  type: 'object',
  properties: {
    sku: { type: 'string' },
    onHand: { type: 'integer' },
    reserved: { type: 'integer' },
    available: { type: 'integer' },
    version: { type: 'integer' },
  },
  required: ['sku', 'onHand', 'reserved', 'available', 'version'],
} as const;

const receivedView = {
  ...stockView,
  properties: { ...stockView.properties, position: logPosition },
  required: [...stockView.required, 'position'],
} as const;

async function stockAt(deps: ApiDependencies, sku: string, upToVersion?: number) {
  const inventory = await loadAggregate(
    deps.pool,
    inventoryAggregate,
    inventoryAggregate.streamId(sku),
    upToVersion,
  );
  if (!inventory) {
    throw new ApiError(404, 'InventoryNotFound', `No stock was ever received for sku ${sku}`, { sku });
  }
  return { ...availability(inventory.state), sku, version: inventory.version };
}

export function registerInventoryRoutes(app: TypedApp, deps: ApiDependencies): void {
  app.post(
    '/inventory/:sku/receive',
    {
      schema: {
        headers: commandHeaders,
        params: idParams('sku'),
        body: strictObject({ quantity: Type.Integer({ minimum: 1, maximum: maxQuantity }) }),
        response: { 200: receivedView, ...errorResponses },
      },
    },
    async (request, response) => {
      const { sku } = request.params;
      const result = await sendShopCommand(deps, request, response, {
        type: 'ReceiveStock',
        data: { sku, quantity: request.body.quantity },
      });
      // As of this command's version, so a replayed request answers what the first one did.
      return { ...(await stockAt(deps, sku, result.version)), position: result.position };
    },
  );

  app.get(
    '/inventory/:sku',
    { schema: { params: idParams('sku'), response: { 200: stockView, ...errorResponses } } },
    (request) => stockAt(deps, request.params.sku),
  );
}
