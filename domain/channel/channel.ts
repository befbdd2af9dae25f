import { defineAggregate, notFound, rejectBecause } from '../../engine/aggregate';
import type { Message } from '../../engine/aggregate';

export type CreateChannel = Message<'CreateChannel', { channelId: string; name: string; groupId?: string }>;
/** Recorded by the linking saga when the channel's group did not appear in time. */
export type AbandonChannelLink = Message<
  'AbandonChannelLink',
  { channelId: string; groupId: string; reason: string }
>;
export type ChannelCommand = CreateChannel | AbandonChannelLink;

/** `groupId` when the channel belongs to a group, which may not exist yet. */
export type ChannelCreated = Message<'ChannelCreated', { channelId: string; name: string; groupId?: string }>;
export type ChannelLinkAbandoned = Message<
  'ChannelLinkAbandoned',
  { channelId: string; groupId: string; reason: string }
>;
export type ChannelEvent = ChannelCreated | ChannelLinkAbandoned;

export interface ChannelState {
  status: 'none' | 'created';
  channelId: string;
  name: string;
  groupId?: string;
  /** Why the link to the group was given up, once it was. */
  linkAbandoned?: string;
}

/** A channel, which may name a group; it knows nothing of the group itself. */
export const channelAggregate = defineAggregate<ChannelCommand, ChannelEvent, ChannelState>({
  streamType: 'channel',
  commandTypes: { CreateChannel: true, AbandonChannelLink: true },
  idOf: (data) => data.channelId,
  initialState: { status: 'none', channelId: '', name: '' },

  evolve(state, event) {
    switch (event.type) {
      case 'ChannelCreated': {
        const { channelId, name, groupId } = event.data;
        return groupId === undefined
          ? { status: 'created', channelId, name }
          : { status: 'created', channelId, name, groupId };
      }
      case 'ChannelLinkAbandoned':
        return { ...state, linkAbandoned: event.data.reason };
    }
  },

  decide(command, state) {
    const { channelId } = command.data;
    switch (command.type) {
      case 'CreateChannel': {
        if (state.status !== 'none')
          rejectBecause('ChannelAlreadyCreated', `Channel ${channelId} already exists`, { channelId });
        const { name, groupId } = command.data;
        return [
          {
            type: 'ChannelCreated',
            data: groupId === undefined ? { channelId, name } : { channelId, name, groupId },
          },
        ];
      }
      case 'AbandonChannelLink': {
        const { groupId, reason } = command.data;
        if (state.status === 'none') notFound('Channel', channelId);
        if (state.groupId !== groupId)
          rejectBecause('NotTheChannelsGroup', `Channel ${channelId} does not belong to group ${groupId}`, {
            channelId,
            groupId,
          });
        if (state.linkAbandoned !== undefined) return [];
        return [{ type: 'ChannelLinkAbandoned', data: { channelId, groupId, reason } }];
      }
    }
  },
});
