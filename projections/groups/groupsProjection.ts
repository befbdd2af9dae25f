import path from 'node:path';
import { defineProjection } from '../../workflows/kit';

/**
 * Groups and their channels' link status. Every statement is idempotent (insert … do nothing, updates to
 * a later status), so a re-applied batch changes nothing; ChannelLinked always follows its ChannelCreated
 * in the log, because the saga links a channel only after that event reached it.
 */
export const groupsProjection = defineProjection({
  name: 'groups',
  migrationsDir: path.join(__dirname, 'migrations'),
  tables: ['groups', 'group_channels'],
  handles: ['GroupCreated', 'ChannelCreated', 'ChannelLinked', 'ChannelLinkAbandoned'],
  async apply(client, events) {
    for (const event of events) {
      switch (event.type) {
        case 'GroupCreated':
          await client.query(
            'insert into groups (group_id, name, created_at) values ($1, $2, $3) on conflict do nothing',
            [event.data.groupId, event.data.name, event.recordedAt],
          );
          break;
        case 'ChannelCreated': {
          const { channelId, name, groupId } = event.data;
          await client.query(
            `insert into group_channels (channel_id, name, group_id, link_status, updated_at)
             values ($1, $2, $3, $4, $5) on conflict do nothing`,
            [channelId, name, groupId ?? null, groupId === undefined ? 'none' : 'pending', event.recordedAt],
          );
          break;
        }
        case 'ChannelLinked':
          await client.query(
            `update group_channels set link_status = 'linked', link_reason = null, updated_at = $2
             where channel_id = $1 and link_status = 'pending'`,
            [event.data.channelId, event.recordedAt],
          );
          break;
        case 'ChannelLinkAbandoned':
          await client.query(
            `update group_channels set link_status = 'abandoned', link_reason = $2, updated_at = $3
             where channel_id = $1 and link_status = 'pending'`,
            [event.data.channelId, event.data.reason, event.recordedAt],
          );
          break;
      }
    }
  },
});
