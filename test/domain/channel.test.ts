import { channelAggregate, type ChannelEvent } from '../../domain/channel/channel';
import { specFor } from '../../engine/testing/givenWhenThen';

const spec = specFor(channelAggregate);
const inGroup: ChannelEvent = {
  type: 'ChannelCreated',
  data: { channelId: 'ch1', name: 'news', groupId: 'g1' },
};
const abandon = {
  type: 'AbandonChannelLink',
  data: { channelId: 'ch1', groupId: 'g1', reason: 'group g1 did not appear within 1 hour' },
} as const;

test('CreateChannel records the group it names, or none', () => {
  expect(
    spec
      .given([])
      .when({ type: 'CreateChannel', data: { channelId: 'ch1', name: 'news', groupId: 'g1' } })
      .then([inGroup]),
  ).toMatchObject({ status: 'created', groupId: 'g1' });
  const alone = spec
    .given([])
    .when({ type: 'CreateChannel', data: { channelId: 'ch2', name: 'solo' } })
    .then([{ type: 'ChannelCreated', data: { channelId: 'ch2', name: 'solo' } }]);
  expect(alone).not.toHaveProperty('groupId');
  spec
    .given([inGroup])
    .when({ type: 'CreateChannel', data: { channelId: 'ch1', name: 'again' } })
    .thenRejects({ kind: 'business', code: 'ChannelAlreadyCreated' });
});

test('AbandonChannelLink records why once, and only for the group the channel names', () => {
  const state = spec
    .given([inGroup])
    .when(abandon)
    .then([{ type: 'ChannelLinkAbandoned', data: abandon.data }]);
  expect(state.linkAbandoned).toBe(abandon.data.reason);
  spec
    .given([inGroup, { type: 'ChannelLinkAbandoned', data: abandon.data }])
    .when(abandon)
    .then([]);
  spec
    .given([inGroup])
    .when({ ...abandon, data: { ...abandon.data, groupId: 'g2' } })
    .thenRejects({ kind: 'business', code: 'NotTheChannelsGroup' });
  spec.given([]).when(abandon).thenRejects({ kind: 'notFound', code: 'ChannelNotFound' });
});
