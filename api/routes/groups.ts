import { Type } from 'typebox';
import {
  ApiError,
  awaitReadModel,
  commandHeaders,
  errorResponses,
  id,
  idParams,
  logPosition,
  newAggregateId,
  nullableString,
  readYourWritesQuery,
  strictObject,
  text,
  type ApiDependencies,
  type TypedApp,
} from '../../engine/http';
import { sendShopCommand } from '../commands';
import { groupsProjection } from '../../projections/groups/groupsProjection';
import { getChannelView, getGroupView } from '../../projections/groups/groupsReadModel';

const created = (idField: string) => ({
  type: 'object',
  properties: { [idField]: { type: 'string' }, version: { type: 'integer' }, position: logPosition },
  required: [idField, 'version', 'position'],
});

const querystring = strictObject(readYourWritesQuery);

const groupView = {
  type: 'object',
  properties: {
    groupId: { type: 'string' },
    name: { type: 'string' },
    channels: { type: 'array', items: { type: 'string' } },
    pending: { type: 'array', items: { type: 'string' } },
  },
  required: ['groupId', 'name', 'channels', 'pending'],
} as const;

const channelView = {
  type: 'object',
  properties: {
    channelId: { type: 'string' },
    name: { type: 'string' },
    groupId: nullableString,
    link: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['none', 'pending', 'linked', 'abandoned'] },
        reason: nullableString,
      },
      required: ['status', 'reason'],
    },
  },
  required: ['channelId', 'name', 'groupId', 'link'],
} as const;

/** A read-model row, or the 404 that says it may only be lagging. */
function found<View>(view: View | undefined, what: 'Group' | 'Channel', id: string): View {
  if (view) return view;
  throw new ApiError(
    404,
    `${what}NotFound`,
    `${what} ${id} is not in the read model (one created a moment ago may not have reached it yet)`,
    { [`${what.toLowerCase()}Id`]: id },
  );
}

/** Groups and channels: two aggregates that know nothing of each other, joined by the linkChannels saga. */
export function registerGroupRoutes(app: TypedApp, deps: ApiDependencies): void {
  createGroupRoute(app, deps);
  createChannelRoute(app, deps);
  getGroupRoute(app, deps);
  getChannelRoute(app, deps);
}

function createGroupRoute(app: TypedApp, deps: ApiDependencies): void {
  app.post(
    '/groups',
    {
      schema: {
        headers: commandHeaders,
        body: strictObject({ groupId: Type.Optional(id), name: text(200) }),
        response: { 201: created('groupId'), ...errorResponses },
      },
    },
    async (request, response) => {
      const groupId = request.body.groupId ?? newAggregateId(request, 'group');
      const result = await sendShopCommand(deps, request, response, {
        type: 'CreateGroup',
        data: { groupId, name: request.body.name },
      });
      response.header('location', `/groups/${encodeURIComponent(groupId)}`);
      return response.code(201).send({ groupId, version: result.version, position: result.position });
    },
  );
}

function createChannelRoute(app: TypedApp, deps: ApiDependencies): void {
  app.post(
    '/channels',
    {
      schema: {
        headers: commandHeaders,
        body: strictObject({
          channelId: Type.Optional(id),
          name: text(200),
          groupId: Type.Optional(id),
        }),
        response: { 201: created('channelId'), ...errorResponses },
      },
    },
    async (request, response) => {
      const { name, groupId } = request.body;
      const channelId = request.body.channelId ?? newAggregateId(request, 'channel');
      const result = await sendShopCommand(deps, request, response, {
        type: 'CreateChannel',
        data: groupId === undefined ? { channelId, name } : { channelId, name, groupId },
      });
      response.header('location', `/channels/${encodeURIComponent(channelId)}`);
      return response.code(201).send({ channelId, version: result.version, position: result.position });
    },
  );
}

function getGroupRoute(app: TypedApp, deps: ApiDependencies): void {
  app.get(
    '/groups/:groupId',
    { schema: { params: idParams('groupId'), querystring, response: { 200: groupView, ...errorResponses } } },
    async (request) => {
      await awaitReadModel(deps, groupsProjection, request.query);
      return found(await getGroupView(deps.pool, request.params.groupId), 'Group', request.params.groupId);
    },
  );
}

function getChannelRoute(app: TypedApp, deps: ApiDependencies): void {
  app.get(
    '/channels/:channelId',
    {
      schema: {
        params: idParams('channelId'),
        querystring,
        response: { 200: channelView, ...errorResponses },
      },
    },
    async (request) => {
      await awaitReadModel(deps, groupsProjection, request.query);
      return found(
        await getChannelView(deps.pool, request.params.channelId),
        'Channel',
        request.params.channelId,
      );
    },
  );
}
