import { Type } from 'typebox';
import {
  ApiError,
  commandHeaders,
  countryCode,
  errorResponses,
  id,
  idParams,
  loadAggregate,
  logPosition,
  newAggregateId,
  nullableString,
  strictObject,
  text,
  uiLink,
  workflowUiUrl,
  type ApiDependencies,
  type TypedApp,
} from '../../engine/http';
import { sendShopCommand } from '../commands';
import { orderAggregate, supportedCurrencies } from '../../domain/order/order';
import { supportedPaymentMethods } from '../../domain/payment/paymentMethods';
import { orderFulfillmentWorkflowId } from '../../workflows/orderFulfillment/contract';
import { orderRefundWorkflowId } from '../../workflows/orderRefund/contract';

// Bounds chosen so an order total (lines × quantity × price) stays an exact integer in JavaScript.
const maxLines = 100;
const maxQuantity = 1_000_000;
const maxUnitPriceCents = 10_000_000;

const orderLine = strictObject({
  sku: id,
  quantity: Type.Integer({ minimum: 1, maximum: maxQuantity }),
  unitPriceCents: Type.Integer({ minimum: 0, maximum: maxUnitPriceCents }),
});

const shippingAddress = strictObject({
  name: text(200),
  line1: text(200),
  city: text(100),
  /** State, province or county, where the country's post needs one. */
  region: Type.Optional(Type.Union([text(100), Type.Null()])),
  postalCode: text(20),
  country: countryCode,
});

const orderView = {
  type: 'object',
  properties: {
    orderId: { type: 'string' },
    customerId: { type: 'string' },
    status: { type: 'string' },
    cancelReason: nullableString,
    refundReason: nullableString,
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string' },
          quantity: { type: 'integer' },
          unitPriceCents: { type: 'integer' },
        },
      },
    },
    totalCents: { type: 'integer' },
    currency: { type: 'string' },
    paymentMethod: { type: 'string' },
    shippingAddress: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        line1: { type: 'string' },
        city: { type: 'string' },
        region: nullableString,
        postalCode: { type: 'string' },
        country: { type: 'string' },
      },
    },
    version: { type: 'integer' },
    workflowId: { type: 'string' },
    uiUrl: uiLink,
  },
  required: ['orderId', 'customerId', 'status', 'cancelReason', 'lines', 'totalCents', 'currency', 'version'],
} as const;

/** 202 of a route whose command starts an order's saga: the order and the saga to watch. */
const orderSagaStarted = {
  type: 'object',
  properties: {
    orderId: { type: 'string' },
    workflowId: { type: 'string' },
    uiUrl: uiLink,
    position: logPosition,
  },
  required: ['orderId', 'workflowId', 'uiUrl', 'position'],
} as const;

export function registerOrderRoutes(app: TypedApp, deps: ApiDependencies): void {
  placeOrderRoute(app, deps);
  refundOrderRoute(app, deps);
  getOrderRoute(app, deps);
}

function refundOrderRoute(app: TypedApp, deps: ApiDependencies): void {
  app.post(
    '/orders/:orderId/refund',
    {
      schema: {
        headers: commandHeaders,
        params: idParams('orderId'),
        body: strictObject({ reason: text(500) }),
        response: {
          202: orderSagaStarted,
          ...errorResponses,
        },
      },
    },
    async (request, response) => {
      const { orderId } = request.params;
      const result = await sendShopCommand(deps, request, response, {
        type: 'RefundOrder',
        data: { orderId, reason: request.body.reason },
      });
      // 202: the refund saga returns the stock and the money; OrderRefunded says when it is done.
      const workflowId = orderRefundWorkflowId(orderId);
      return response
        .code(202)
        .send({ orderId, workflowId, uiUrl: workflowUiUrl(deps, workflowId), position: result.position });
    },
  );
}

function placeOrderRoute(app: TypedApp, deps: ApiDependencies): void {
  app.post(
    '/orders',
    {
      schema: {
        headers: commandHeaders,
        body: strictObject({
          orderId: Type.Optional(id),
          customerId: id,
          lines: Type.Array(orderLine, { minItems: 1, maxItems: maxLines }),
          paymentMethod: Type.Enum([...supportedPaymentMethods]),
          shippingAddress,
          /** The currency of every unit price; EUR when left out. */
          currency: Type.Optional(Type.Enum([...supportedCurrencies])),
        }),
        response: {
          202: orderSagaStarted,
          ...errorResponses,
        },
      },
    },
    async (request, response) => {
      const { customerId, lines, paymentMethod, shippingAddress, currency } = request.body;
      const orderId = request.body.orderId ?? newAggregateId(request, 'order');
      const result = await sendShopCommand(deps, request, response, {
        type: 'PlaceOrder',
        data: { orderId, customerId, lines, paymentMethod, shippingAddress, currency },
      });
      // 202: the relay starts the fulfillment saga from OrderPlaced; the order is accepted, not done.
      const workflowId = orderFulfillmentWorkflowId(orderId);
      response.header('location', `/orders/${encodeURIComponent(orderId)}`);
      return response
        .code(202)
        .send({ orderId, workflowId, uiUrl: workflowUiUrl(deps, workflowId), position: result.position });
    },
  );
}

function getOrderRoute(app: TypedApp, deps: ApiDependencies): void {
  app.get(
    '/orders/:orderId',
    { schema: { params: idParams('orderId'), response: { 200: orderView, ...errorResponses } } },
    async (request) => {
      const { orderId } = request.params;
      const order = await loadAggregate(deps.pool, orderAggregate, orderAggregate.streamId(orderId));
      if (!order) throw new ApiError(404, 'OrderNotFound', `Order ${orderId} does not exist`, { orderId });
      const { state } = order;
      const workflowId = orderFulfillmentWorkflowId(orderId);
      return {
        orderId,
        customerId: state.customerId,
        status: state.status,
        cancelReason: state.cancelReason ?? null,
        refundReason: state.refundReason ?? null,
        lines: state.lines,
        totalCents: state.totalCents,
        currency: state.currency,
        paymentMethod: state.paymentMethod,
        shippingAddress: state.shippingAddress,
        version: order.version,
        workflowId,
        uiUrl: workflowUiUrl(deps, workflowId),
      };
    },
  );
}
