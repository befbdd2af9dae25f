// Hostile requests to the other routes (inventory, orders, shipments, groups, channels, bulk, reads),
// and routes or methods that do not exist.
import { customer, get, invalid, post, v400, type HostileCase } from './hostileCaseKit';

const address = { name: 'A', line1: 'L', city: 'C', postalCode: 'P', country: 'GB' };
const order = {
  customerId: 'c-1',
  lines: [{ sku: 'sku-1', quantity: 1, unitPriceCents: 100 }],
  paymentMethod: 'pm_card_ok',
  shippingAddress: address,
};

export const hostileOtherRoutes: HostileCase[] = [
  // Inventory quantities.
  post('quantity zero', '/inventory/sku-1/receive', { quantity: 0 }, v400, /^body\/quantity must be >= 1$/),
  post(
    'quantity negative',
    '/inventory/sku-1/receive',
    { quantity: -5 },
    v400,
    /^body\/quantity must be >= 1$/,
  ),
  post(
    'quantity fractional',
    '/inventory/sku-1/receive',
    { quantity: 1.5 },
    v400,
    /^body\/quantity must be integer$/,
  ),
  post(
    'quantity as a string',
    '/inventory/sku-1/receive',
    { quantity: '5' },
    v400,
    /^body\/quantity must be integer$/,
  ),
  post(
    'quantity huge',
    '/inventory/sku-1/receive',
    { quantity: 1e20 },
    v400,
    /^body\/quantity must be <= 1000000$/,
  ),
  post(
    'quantity null',
    '/inventory/sku-1/receive',
    { quantity: null },
    v400,
    /^body\/quantity must be integer$/,
  ),
  post(
    'quantity missing',
    '/inventory/sku-1/receive',
    {},
    v400,
    /^body must have required property 'quantity'$/,
  ),
  // Orders.
  post(
    'no lines',
    '/orders',
    { ...order, lines: [] },
    v400,
    /^body\/lines must NOT have fewer than 1 items$/,
  ),
  post(
    '10,000 lines',
    '/orders',
    { ...order, lines: Array(10_000).fill(order.lines[0]) },
    v400,
    /^body\/lines must NOT have more than 100 items$/,
  ),
  post(
    'a negative price',
    '/orders',
    { ...order, lines: [{ ...order.lines[0], unitPriceCents: -1 }] },
    v400,
    /^body\/lines\/0\/unitPriceCents must be >= 0$/,
  ),
  post(
    'a fractional line quantity',
    '/orders',
    { ...order, lines: [{ ...order.lines[0], quantity: 0.5 }] },
    v400,
    /^body\/lines\/0\/quantity must be integer$/,
  ),
  post(
    'a lower-case country',
    '/orders',
    { ...order, shippingAddress: { ...address, country: 'gb' } },
    v400,
    /^body\/shippingAddress\/country must be a two-letter ISO 3166-1 country code/,
  ),
  post(
    'a NUL in an address line',
    '/orders',
    { ...order, shippingAddress: { ...address, line1: 'a\u0000' } },
    v400,
    /^body\/shippingAddress\/line1 must not contain a NUL/,
  ),
  post(
    'an address missing its city',
    '/orders',
    { ...order, shippingAddress: { ...address, city: undefined } },
    v400,
    /^body\/shippingAddress must have required property 'city'$/,
  ),
  post(
    'an extra field in a line',
    '/orders',
    { ...order, lines: [{ ...order.lines[0], discount: 1 }] },
    v400,
    /^body\/lines\/0 must NOT have additional properties \('discount'\)$/,
  ),
  post(
    'an unsupported payment method',
    '/orders',
    { ...order, paymentMethod: 'bitcoin' },
    v400,
    /^body\/paymentMethod must be one of/,
  ),
  // Shipments, groups, channels, bulk.
  post(
    'dispatch with a body it does not take',
    '/shipments/o-1/dispatch',
    { force: true },
    invalid(400, 'UnexpectedBody'),
    /takes no request body/,
  ),
  post('a group without a name', '/groups', {}, v400, /^body must have required property 'name'$/),
  post(
    'a channel with a numeric group',
    '/channels',
    { name: 'c', groupId: 7 },
    v400,
    /^body\/groupId must be string$/,
  ),
  post(
    'a bulk reason with a NUL',
    '/bulk/disable-all-customers',
    { reason: 'a\u0000' },
    v400,
    /^body\/reason must not contain a NUL/,
  ),
  post(
    'enable-customers with an extra field',
    '/bulk/enable-customers',
    { reason: 'r', disabledReason: 'x', all: true },
    v400,
    /additional properties \('all'\)/,
  ),
  // Reads and repairs.
  get(
    'playback at version 0',
    '/streams/customer-c-1?upToVersion=0',
    v400,
    /^querystring\/upToVersion must be a whole number from 1/,
  ),
  get(
    'playback at version abc',
    '/streams/customer-c-1?upToVersion=abc',
    v400,
    /^querystring\/upToVersion must be a whole number/,
  ),
  get(
    'a stream of no known type',
    '/streams/nothing-1',
    invalid(400, 'UnknownStreamType'),
    /not of a known type/,
  ),
  post(
    'replay of a non-uuid',
    '/parked-events/not-a-uuid/replay',
    undefined,
    v400,
    /^params\/eventId must match format "uuid"$/,
  ),
  get('a saga id with spaces', '/sagas/a%20b', v400, /^params\/workflowId must be 1 to 200/),
  // Routes and methods that do not exist.
  get('an unknown route', '/no-such-route', invalid(404, 'RouteNotFound'), /^No route GET \/no-such-route$/),
  {
    name: 'PUT on a POST route',
    method: 'PUT',
    url: '/customers',
    body: customer,
    ...invalid(404, 'RouteNotFound'),
    message: /^No route PUT \/customers$/,
  },
  {
    name: 'DELETE of a customer',
    method: 'DELETE',
    url: '/customers/c-1',
    ...invalid(404, 'RouteNotFound'),
    message: /^No route DELETE \/customers\/c-1$/,
  },
  {
    name: 'PATCH of an order',
    method: 'PATCH',
    url: '/orders/o-1',
    body: {},
    ...invalid(404, 'RouteNotFound'),
    message: /^No route PATCH/,
  },
];
