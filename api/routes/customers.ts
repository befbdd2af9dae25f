import { Type } from 'typebox';
import { customersProjection } from '../../projections/customers/customersProjection';
import {
  ApiError,
  awaitReadModel,
  commandHeaders,
  dateTime,
  errorResponses,
  id,
  idParams,
  logPosition,
  newAggregateId,
  nullableString,
  pageLimitString,
  readYourWritesQuery,
  strictObject,
  text,
  type ApiDependencies,
  type TypedApp,
} from '../../engine/http';
import { sendShopCommand } from '../commands';
import {
  getCustomerSpending,
  getCustomerView,
  listCustomerViews,
  type CustomerView,
} from '../../projections/customers/customersReadModel';

const defaultPageSize = 50;

const customerView = {
  type: 'object',
  properties: {
    customerId: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
    status: { type: 'string' },
    disabledReason: nullableString,
    version: { type: 'integer' },
    updatedAt: dateTime,
    spending: {
      type: 'array',
      description: 'Orders and their total per currency (GET /customers/:customerId only)',
      items: {
        type: 'object',
        properties: {
          currency: { type: 'string' },
          orders: { type: 'integer' },
          totalCents: { type: 'string', description: 'a decimal string: a sum may pass 2^53' },
        },
        required: ['currency', 'orders', 'totalCents'],
      },
    },
  },
  required: ['customerId', 'name', 'email', 'status', 'disabledReason', 'version', 'updatedAt'],
} as const;

const commandResult = {
  type: 'object',
  properties: {
    customerId: { type: 'string' },
    version: { type: 'integer' },
    changed: { type: 'boolean' },
    position: logPosition,
  },
  required: ['customerId', 'version', 'changed', 'position'],
} as const;

function publicView({ registeredPosition: _internal, ...view }: CustomerView) {
  return view;
}

export function registerCustomerRoutes(app: TypedApp, deps: ApiDependencies): void {
  registerCustomerRoute(app, deps);
  disableCustomerRoute(app, deps);
  enableCustomerRoute(app, deps);
  getCustomerRoute(app, deps);
  listCustomersRoute(app, deps);
}

function registerCustomerRoute(app: TypedApp, deps: ApiDependencies): void {
  app.post(
    '/customers',
    {
      schema: {
        headers: commandHeaders,
        body: strictObject({
          customerId: Type.Optional(id),
          name: text(200),
          email: Type.String({ format: 'email', maxLength: 320 }),
        }),
        response: {
          201: {
            type: 'object',
            properties: {
              customerId: { type: 'string' },
              version: { type: 'integer' },
              position: logPosition,
            },
            required: ['customerId', 'version', 'position'],
          },
          ...errorResponses,
        },
      },
    },
    async (request, response) => {
      const { name, email } = request.body;
      const customerId = request.body.customerId ?? newAggregateId(request, 'customer');
      const result = await sendShopCommand(deps, request, response, {
        type: 'RegisterCustomer',
        data: { customerId, name, email },
      });
      response.header('location', `/customers/${encodeURIComponent(customerId)}`);
      return response.code(201).send({ customerId, version: result.version, position: result.position });
    },
  );
}

function disableCustomerRoute(app: TypedApp, deps: ApiDependencies): void {
  app.post(
    '/customers/:customerId/disable',
    {
      schema: {
        headers: commandHeaders,
        params: idParams('customerId'),
        body: strictObject({ reason: text(500) }),
        response: { 200: commandResult, ...errorResponses },
      },
    },
    async (request, response) => {
      const { customerId } = request.params;
      const result = await sendShopCommand(deps, request, response, {
        type: 'DisableCustomer',
        data: { customerId, reason: request.body.reason },
      });
      return { customerId, version: result.version, changed: result.changed, position: result.position };
    },
  );
}

function enableCustomerRoute(app: TypedApp, deps: ApiDependencies): void {
  app.post(
    '/customers/:customerId/enable',
    {
      schema: {
        headers: commandHeaders,
        params: idParams('customerId'),
        response: { 200: commandResult, ...errorResponses },
      },
    },
    async (request, response) => {
      const { customerId } = request.params;
      const result = await sendShopCommand(deps, request, response, {
        type: 'EnableCustomer',
        data: { customerId },
      });
      return { customerId, version: result.version, changed: result.changed, position: result.position };
    },
  );
}

function getCustomerRoute(app: TypedApp, deps: ApiDependencies): void {
  app.get(
    '/customers/:customerId',
    {
      schema: {
        params: idParams('customerId'),
        querystring: strictObject(readYourWritesQuery),
        response: { 200: customerView, ...errorResponses },
      },
    },
    async (request) => {
      await awaitReadModel(deps, customersProjection, request.query);
      const view = await getCustomerView(deps.pool, request.params.customerId);
      if (!view) {
        throw new ApiError(
          404,
          'CustomerNotFound',
          `Customer ${request.params.customerId} is not in the read model ` +
            '(a customer registered a moment ago may not have reached it yet)',
          { customerId: request.params.customerId },
        );
      }
      return { ...publicView(view), spending: await getCustomerSpending(deps.pool, view.customerId) };
    },
  );
}

function listCustomersRoute(app: TypedApp, deps: ApiDependencies): void {
  app.get(
    '/customers',
    {
      schema: {
        querystring: strictObject({
          status: Type.Optional(Type.Enum(['active', 'disabled'])),
          after: Type.Optional(id),
          limit: Type.Optional(pageLimitString),
          ...readYourWritesQuery,
        }),
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: customerView }, nextAfter: nullableString },
            required: ['items', 'nextAfter'],
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      await awaitReadModel(deps, customersProjection, request.query);
      const { status, after } = request.query;
      const limit = request.query.limit === undefined ? defaultPageSize : Number(request.query.limit);
      // One row past the page says whether there is a next page without a count query.
      const rows = await listCustomerViews(deps.pool, { status, after, limit: limit + 1 });
      const items = rows.slice(0, limit).map(publicView);
      const nextAfter = rows.length > limit ? (items[items.length - 1]?.customerId ?? null) : null;
      return { items, nextAfter };
    },
  );
}
