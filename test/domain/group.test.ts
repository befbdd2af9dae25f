import { groupAggregate, type GroupEvent } from '../../domain/group/group';
import { specFor } from '../../engine/testing/givenWhenThen';

const spec = specFor(groupAggregate);
const created: GroupEvent = { type: 'GroupCreated', data: { groupId: 'g1', name: 'Team' } };
const linked: GroupEvent = { type: 'ChannelLinked', data: { groupId: 'g1', channelId: 'ch1' } };

test('CreateGroup creates it once', () => {
  spec
    .given([])
    .when({ type: 'CreateGroup', data: { groupId: 'g1', name: 'Team' } })
    .then([created]);
  spec
    .given([created])
    .when({ type: 'CreateGroup', data: { groupId: 'g1', name: 'Again' } })
    .thenRejects({ kind: 'business', code: 'GroupAlreadyCreated' });
});

test('LinkChannel links a channel once, and only to a group that exists', () => {
  const state = spec
    .given([created])
    .when({ type: 'LinkChannel', data: { groupId: 'g1', channelId: 'ch1' } })
    .then([linked]);
  expect(state.channels).toEqual(['ch1']);
  spec
    .given([created, linked])
    .when({ type: 'LinkChannel', data: { groupId: 'g1', channelId: 'ch1' } })
    .then([]);
  spec
    .given([])
    .when({ type: 'LinkChannel', data: { groupId: 'g1', channelId: 'ch1' } })
    .thenRejects({ kind: 'notFound', code: 'GroupNotFound' });
});
