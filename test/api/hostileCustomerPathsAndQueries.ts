// Hostile path parameters and query strings on the customer routes: disable, enable and listing.
import { get, invalid, post, v400, type HostileCase } from './hostileCaseKit';

export const hostileCustomerPathsAndQueries: HostileCase[] = [
  // Disable / enable.
  post(
    'disable without a reason',
    '/customers/c-1/disable',
    {},
    v400,
    /^body must have required property 'reason'$/,
  ),
  post(
    'disable with a numeric reason',
    '/customers/c-1/disable',
    { reason: 1 },
    v400,
    /^body\/reason must be string$/,
  ),
  post(
    'disable with an extra field',
    '/customers/c-1/disable',
    { reason: 'r', force: true },
    v400,
    /additional properties \('force'\)/,
  ),
  post(
    'disable with SQL in the reason, unknown customer',
    '/customers/nobody/disable',
    { reason: "'); delete from events;--" },
    invalid(404, 'CustomerNotFound'),
    /does not exist/,
  ),
  post(
    'enable with a body it does not take',
    '/customers/c-1/enable',
    { reason: 'x' },
    invalid(400, 'UnexpectedBody'),
    /takes no request body/,
  ),
  post(
    'an id with an encoded NUL',
    '/customers/a%00b/disable',
    { reason: 'r' },
    v400,
    /^params\/customerId must be 1 to 100/,
  ),
  post(
    'an id with non-ASCII letters',
    '/customers/caf%C3%A9/disable',
    { reason: 'r' },
    v400,
    /^params\/customerId must be 1 to 100/,
  ),
  post(
    'an id of 300 characters',
    `/customers/${'x'.repeat(300)}/disable`,
    { reason: 'r' },
    invalid(414, 'PathParameterTooLong'),
    /longer than 256 characters/,
  ),
  // Listing.
  get('limit 0', '/customers?limit=0', v400, /^querystring\/limit must be a whole number from 1 to 500$/),
  get('limit 501', '/customers?limit=501', v400, /^querystring\/limit must be a whole number from 1 to 500$/),
  get('limit not a number', '/customers?limit=ten', v400, /^querystring\/limit must be a whole number/),
  get(
    'an unknown status',
    '/customers?status=deleted',
    v400,
    /^querystring\/status must be one of "active", "disabled"$/,
  ),
  get('an unknown query parameter', '/customers?admin=1', v400, /additional properties \('admin'\)/),
  get(
    'a SQL-looking cursor',
    "/customers?after=a'%20or%201=1--",
    v400,
    /^querystring\/after must be 1 to 100/,
  ),
];
