import { randomUUID } from 'node:crypto';
import { dropDatabase } from '../../engine/eventstore/database';
import { readStream } from '../../engine/eventstore/readStream';
import { startProcession, type RunningProcession } from '../../worker/procession';
import { shopApplication } from '../../worker/application';
import { testDatabaseUrl } from '../harness/database';
import { eventually, testWorkflowBundle } from '../harness/sagaHarness';
import { testTemporalSettings } from '../harness/temporal';
import { bearer, testApiKeys } from '../harness/apiKeys';

// The join saga over HTTP: groups and channels created in either order, linked once both exist.
let procession: RunningProcession;
let databaseUrl: string;
const linkDeadline = '3 seconds';

beforeAll(async () => {
  databaseUrl = testDatabaseUrl();
  procession = await startProcession({
    databaseUrl,
    temporal: testTemporalSettings(),
    taskQueue: `e2e-groups-${randomUUID()}`,
    port: 0,
    apiKeys: testApiKeys,
    pollIntervalMs: 100,
    workflowBundle: testWorkflowBundle(),
    settings: { channelLinkDeadline: linkDeadline },
  });
});

afterAll(async () => {
  await procession?.stop();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
  const response = await fetch(`${procession.apiUrl}${path}`, {
    method,
    headers: { ...bearer('admin'), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

interface GroupView {
  groupId: string;
  name: string;
  channels: string[];
  pending: string[];
}
interface ChannelView {
  channelId: string;
  groupId: string | null;
  link: { status: string; reason: string | null };
}

const createGroup = (groupId: string) => call('POST', '/groups', { groupId, name: `Group ${groupId}` });
const createChannel = (channelId: string, groupId?: string) =>
  call('POST', '/channels', { channelId, name: `#${channelId}`, ...(groupId ? { groupId } : {}) });
const channelOnceItIs = (channelId: string, status: string) =>
  eventually(
    async () => {
      const { body } = await call<ChannelView>('GET', `/channels/${channelId}`);
      return body.link?.status === status ? body : undefined;
    },
    30_000,
    `channel ${channelId} ${status}`,
  );
const groupOnce = (groupId: string, done: (group: GroupView) => boolean) =>
  eventually(
    async () => {
      const { status, body } = await call<GroupView>('GET', `/groups/${groupId}`);
      return status === 200 && done(body) ? body : undefined;
    },
    30_000,
    `group ${groupId}`,
  );
const linkedEvents = async (groupId: string) =>
  (await readStream(procession.pool, `group-${groupId}`)).filter((event) => event.type === 'ChannelLinked');
const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

test('group first: a channel created later is linked to it', async () => {
  const groupId = id('g');
  const channelId = id('ch');
  expect((await createGroup(groupId)).status).toBe(201);
  expect((await createChannel(channelId, groupId)).status).toBe(201);
  expect(await channelOnceItIs(channelId, 'linked')).toMatchObject({
    channelId,
    groupId,
    link: { reason: null },
  });
  expect(await groupOnce(groupId, (group) => group.channels.length === 1)).toEqual({
    groupId,
    name: `Group ${groupId}`,
    channels: [channelId],
    pending: [],
  });
});

test('channel first: it is pending until its group is created, then linked', async () => {
  const groupId = id('g');
  const channelId = id('ch');
  await createChannel(channelId, groupId);
  expect((await channelOnceItIs(channelId, 'pending')).groupId).toBe(groupId);
  expect((await call('GET', `/groups/${groupId}`)).status).toBe(404);

  await createGroup(groupId);
  await channelOnceItIs(channelId, 'linked');
  expect((await groupOnce(groupId, (group) => group.channels.length === 1)).channels).toEqual([channelId]);
});

test('duplicated events link once: the relay delivering both again changes nothing', async () => {
  const groupId = id('g');
  const [first, second] = [id('ch'), id('ch')];
  await createChannel(first, groupId);
  await createGroup(groupId);
  await channelOnceItIs(first, 'linked');
  // A later channel for a group whose saga has ended starts a new run, which reads the group's stream.
  await createChannel(second, groupId);
  await channelOnceItIs(second, 'linked');

  const triggers = shopApplication.triggers.filter((trigger) =>
    trigger.name.endsWith('signals-channel-links'),
  );
  for (const streamId of [`group-${groupId}`, `channel-${first}`, `channel-${second}`]) {
    const [created] = await readStream(procession.pool, streamId);
    for (const trigger of triggers.filter((candidate) => candidate.eventType === created!.type))
      await procession.relay.deliver(created!, trigger);
  }
  await eventually(async () => {
    const description = await procession.client.workflow.getHandle(`group-channels:${groupId}`).describe();
    return description.status.name === 'COMPLETED' ? true : undefined;
  });
  expect(
    (await linkedEvents(groupId)).map((event) => (event.data as { channelId: string }).channelId),
  ).toEqual([first, second]);
  expect((await groupOnce(groupId, () => true)).channels).toEqual([first, second].sort());
});

test('a channel without a group starts nothing', async () => {
  const channelId = id('ch');
  await createChannel(channelId);
  const channel = await channelOnceItIs(channelId, 'none');
  expect(channel).toMatchObject({ groupId: null, link: { status: 'none', reason: null } });
  const [created] = await readStream(procession.pool, `channel-${channelId}`);
  const trigger = shopApplication.triggers.find(
    (candidate) => candidate.name === 'channel-created-signals-channel-links',
  )!;
  expect(await procession.relay.deliver(created!, trigger)).toBe('skipped');
  const parked = await call<{ items: unknown[] }>('GET', '/parked-events');
  expect(parked.body.items).toEqual([]);
});

test('a group that never appears within the deadline: the link is abandoned, with the reason', async () => {
  const groupId = id('never');
  const channelId = id('ch');
  await createChannel(channelId, groupId);
  const abandoned = await channelOnceItIs(channelId, 'abandoned');
  expect(abandoned.link.reason).toBe(`group ${groupId} did not appear within ${linkDeadline}`);

  // The group turning up later does not revive the link.
  await createGroup(groupId);
  const group = await groupOnce(groupId, () => true);
  await eventually(async () => {
    const description = await procession.client.workflow.getHandle(`group-channels:${groupId}`).describe();
    return description.status.name === 'COMPLETED' ? description : undefined;
  });
  expect(group).toMatchObject({ channels: [], pending: [] });
  expect(await linkedEvents(groupId)).toEqual([]);
  expect((await call<ChannelView>('GET', `/channels/${channelId}`)).body.link.status).toBe('abandoned');
});

test.each([
  ['/groups', {}, "body must have required property 'name'"],
  ['/channels', { name: 'x', groupId: 'not an id' }, /^body\/groupId must be 1 to 100 characters/],
])('POST %s rejects %j with a 400', async (path, body, message) => {
  const response = await call<{ error: string; message: string }>('POST', path, body);
  expect(response.status).toBe(400);
  expect(response.body.message).toEqual(
    typeof message === 'string' ? message : expect.stringMatching(message),
  );
});
