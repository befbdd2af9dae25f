import type { Queryable } from '../../engine/eventstore';

export interface GroupView {
  groupId: string;
  name: string;
  /** Channels linked to the group, by id. */
  channels: string[];
  /** Channels that name the group and wait to be linked. */
  pending: string[];
}

export type ChannelLinkStatus = 'none' | 'pending' | 'linked' | 'abandoned';

export interface ChannelView {
  channelId: string;
  name: string;
  groupId: string | null;
  link: { status: ChannelLinkStatus; reason: string | null };
}

export async function getGroupView(db: Queryable, groupId: string): Promise<GroupView | undefined> {
  const group = await db.query<{ name: string }>('select name from groups where group_id = $1', [groupId]);
  if (!group.rows[0]) return undefined;
  const channels = await db.query<{ channel_id: string; link_status: ChannelLinkStatus }>(
    `select channel_id, link_status from group_channels
     where group_id = $1 and link_status in ('linked', 'pending') order by channel_id`,
    [groupId],
  );
  const having = (status: ChannelLinkStatus) =>
    channels.rows.filter((row) => row.link_status === status).map((row) => row.channel_id);
  return { groupId, name: group.rows[0].name, channels: having('linked'), pending: having('pending') };
}

export async function getChannelView(db: Queryable, channelId: string): Promise<ChannelView | undefined> {
  const result = await db.query<{
    name: string;
    group_id: string | null;
    link_status: ChannelLinkStatus;
    link_reason: string | null;
  }>('select name, group_id, link_status, link_reason from group_channels where channel_id = $1', [
    channelId,
  ]);
  const row = result.rows[0];
  return (
    row && {
      channelId,
      name: row.name,
      groupId: row.group_id,
      link: { status: row.link_status, reason: row.link_reason },
    }
  );
}
