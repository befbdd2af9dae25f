import type { SagaTestKit } from '../../engine/testing/sagaTestKit';
import type { EventSignal } from '../../engine/saga/eventSignal';
import { groupSourceEventSignal, type LinkChannelsInput } from '../../workflows/linkChannels/linkChannels';
import { linkChannelsSaga } from '../../workflows/linkChannels/saga';
import { recordHistory } from '../harness/histories';
import { startFastSagaKit } from '../harness/fastSagas';
import type { TestTemporal } from '../harness/temporal';

// The join saga alone on the real dev server, with stub activities: which commands it sends for each
// order of arrival. The integration and HTTP suites cover the same paths with real events.
let temporal: TestTemporal;
let kit: SagaTestKit;

beforeAll(async () => {
  ({ kit, temporal } = await startFastSagaKit('fast-link-channels'));
});

afterAll(async () => {
  await temporal?.close();
});

const input: LinkChannelsInput = { groupId: 'g1', correlationId: 'corr-1', linkDeadline: '1 minute' };
const groupExists = { 'group-g1': { status: 'created', groupId: 'g1', name: 'Team', channels: [] } };
const event = (eventType: string, eventId: string, data: Record<string, unknown>): EventSignal => ({
  eventId,
  eventType,
  streamId: `${eventType === 'GroupCreated' ? 'group' : 'channel'}-x`,
  globalPosition: '1',
  correlationId: 'corr-1',
  data,
});
const channelCreated = event('ChannelCreated', 'e-ch1', { channelId: 'ch1', name: 'news', groupId: 'g1' });
const groupCreated = event('GroupCreated', 'e-g1', { groupId: 'g1', name: 'Team' });
const startedBy = (signal: EventSignal) => ({ signal: groupSourceEventSignal, args: [signal] });

test('group first: a channel that arrives later is linked at once', async () => {
  const run = await kit.run(linkChannelsSaga, {
    input,
    states: groupExists,
    startSignal: startedBy(channelCreated),
  });
  expect(run.result).toMatchObject({ groupKnown: true, linked: ['ch1'], abandoned: [] });
  expect(run.dispatched.map((sent) => [sent.commandId.split(':').slice(-2).join(':'), sent.command])).toEqual(
    [['link:ch1', { type: 'LinkChannel', data: { groupId: 'g1', channelId: 'ch1' } }]],
  );
});

test('channel first: it waits for the group, and a duplicated event links it once', async () => {
  const run = await kit.run(linkChannelsSaga, {
    input,
    startSignal: startedBy(channelCreated),
    afterStart: async (handle) => {
      await handle.signal(groupSourceEventSignal, channelCreated);
      await handle.signal(groupSourceEventSignal, groupCreated);
      await handle.signal(groupSourceEventSignal, groupCreated);
    },
  });
  expect(run.result).toMatchObject({ groupKnown: true, linked: ['ch1'] });
  expect(run.commandTypes()).toEqual(['LinkChannel']);
  await recordHistory(run.handle, 'linkChannels-channel-first');
});

test('a group that never appears: the link is abandoned after the deadline, with the reason', async () => {
  const run = await kit.run(linkChannelsSaga, {
    input: { ...input, linkDeadline: '1 second' },
    startSignal: startedBy(channelCreated),
  });
  const reason = 'group g1 did not appear within 1 second';
  expect(run.result).toMatchObject({
    groupKnown: false,
    linked: [],
    abandoned: [{ channelId: 'ch1', reason }],
  });
  expect(run.dispatched.map((sent) => sent.command)).toEqual([
    { type: 'AbandonChannelLink', data: { channelId: 'ch1', groupId: 'g1', reason } },
  ]);
  await recordHistory(run.handle, 'linkChannels-abandoned');
});

test('a link abandoned in an earlier run stays abandoned when the group appears', async () => {
  const run = await kit.run(linkChannelsSaga, {
    input,
    states: {
      ...groupExists,
      'channel-ch1': {
        status: 'created',
        channelId: 'ch1',
        name: 'news',
        groupId: 'g1',
        linkAbandoned: 'late',
      },
    },
    startSignal: startedBy(channelCreated),
  });
  expect(run.result).toMatchObject({ linked: [], abandoned: [] });
  expect(run.dispatched).toEqual([]);
});
