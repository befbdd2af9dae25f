import { defineAggregate, notFound, rejectBecause } from '../../engine/aggregate';
import type { Message } from '../../engine/aggregate';

export type CreateGroup = Message<'CreateGroup', { groupId: string; name: string }>;
export type LinkChannel = Message<'LinkChannel', { groupId: string; channelId: string }>;
export type GroupCommand = CreateGroup | LinkChannel;

export type GroupCreated = Message<'GroupCreated', { groupId: string; name: string }>;
export type ChannelLinked = Message<'ChannelLinked', { groupId: string; channelId: string }>;
export type GroupEvent = GroupCreated | ChannelLinked;

export interface GroupState {
  status: 'none' | 'created';
  groupId: string;
  name: string;
  /** Channels linked to the group, in the order they were linked. */
  channels: string[];
}

/** A group of channels. It learns of a channel only when a saga links it (workflows/linkChannels). */
export const groupAggregate = defineAggregate<GroupCommand, GroupEvent, GroupState>({
  streamType: 'group',
  commandTypes: { CreateGroup: true, LinkChannel: true },
  idOf: (data) => data.groupId,
  initialState: { status: 'none', groupId: '', name: '', channels: [] },

  evolve(state, event) {
    switch (event.type) {
      case 'GroupCreated':
        return { status: 'created', groupId: event.data.groupId, name: event.data.name, channels: [] };
      case 'ChannelLinked':
        return { ...state, channels: [...state.channels, event.data.channelId] };
    }
  },

  decide(command, state) {
    const { groupId } = command.data;
    switch (command.type) {
      case 'CreateGroup':
        if (state.status !== 'none')
          rejectBecause('GroupAlreadyCreated', `Group ${groupId} already exists`, { groupId });
        return [{ type: 'GroupCreated', data: { groupId, name: command.data.name } }];
      case 'LinkChannel': {
        const { channelId } = command.data;
        if (state.status === 'none') notFound('Group', groupId);
        // Linking is a fact about the pair: a second link of the same channel changes nothing.
        if (state.channels.includes(channelId)) return [];
        return [{ type: 'ChannelLinked', data: { groupId, channelId } }];
      }
    }
  },
});
