-- Up Migration

-- Groups and the channels that name them, joined from two streams: GroupCreated, ChannelCreated,
-- ChannelLinked (group stream) and ChannelLinkAbandoned (channel stream).
create table groups (
  group_id text primary key,
  name text not null,
  created_at timestamptz not null
);

create table group_channels (
  channel_id text primary key,
  name text not null,
  group_id text,
  link_status text not null check (link_status in ('none', 'pending', 'linked', 'abandoned')),
  link_reason text,
  updated_at timestamptz not null
);
create index group_channels_by_group on group_channels (group_id, link_status, channel_id);

-- Down Migration
drop table group_channels;
drop table groups;
