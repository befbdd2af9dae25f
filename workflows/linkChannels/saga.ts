import { groupAggregate } from '../../domain/group/group';
import { defineSaga } from '../kit';
import {
  groupSourceEventSignal,
  linkChannels,
  linkChannelsWorkflowId,
  linkChannelsWorkflowType,
  type LinkChannelsInput,
} from './linkChannels';

export { linkChannels };

const input = (correlationId: string, groupId: string, linkDeadline?: LinkChannelsInput['linkDeadline']) => ({
  groupId,
  correlationId,
  linkDeadline,
});

// Idempotent from its first step (it reads the group's stream and command ids derive from the workflow
// id), so a channel that arrives after a run ended may start a new one.
export const linkChannelsSaga = defineSaga({
  workflowType: linkChannelsWorkflowType,
  workflow: linkChannels,
  workflowId: linkChannelsWorkflowId,
  aggregateId: (groupId) => groupAggregate.streamId(groupId),
  summary: (groupId) => `Link channels to group ${groupId}`,
  whenFinished: 'startAgain',
})
  .signalledBy('GroupCreated', {
    name: 'group-created-signals-channel-links',
    key: 'groupId',
    signal: groupSourceEventSignal,
    input: (event, settings, groupId) => input(event.correlationId, groupId, settings.channelLinkDeadline),
    details: ({ data }) => [`Group "${data.name}" exists: its pending channels are linked now.`],
  })
  .signalledBy('ChannelCreated', {
    name: 'channel-created-signals-channel-links',
    key: 'groupId',
    // A channel without a group has nothing to join.
    when: ({ data }) => data.groupId !== undefined,
    signal: groupSourceEventSignal,
    input: (event, settings, groupId) => input(event.correlationId, groupId, settings.channelLinkDeadline),
    details: ({ data }) => [`Channel ${data.channelId} waits for its group, then is linked to it.`],
  });
