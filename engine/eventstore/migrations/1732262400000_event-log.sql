-- Up Migration

-- The log. global_position orders appends; transaction_id lets readers avoid skipping an event whose
-- transaction commits after one with a higher position (see eventstore/readLog.ts).
create table events (
  global_position bigint generated always as identity primary key,
  transaction_id xid8 not null default pg_current_xact_id(),
  event_id uuid not null unique,
  stream_id text not null,
  stream_version integer not null check (stream_version >= 1),
  event_type text not null,
  schema_version integer not null default 1,
  data jsonb not null,
  metadata jsonb not null,
  recorded_at timestamptz not null default now(),
  unique (stream_id, stream_version)
);
create index events_read_order on events (transaction_id, global_position);

-- One row per command id, written in the transaction that appended its events (or none), so a repeat
-- returns the first result. request_hash catches one key reused for a different request.
create table processed_commands (
  command_id text primary key,
  stream_id text not null,
  command_type text not null,
  request_hash text not null,
  result jsonb not null,
  processed_at timestamptz not null default now()
);

-- Where each subscriber (relay, projection) has read up to, in read order.
create table checkpoints (
  subscription_id text primary key,
  transaction_id xid8 not null,
  global_position bigint not null,
  updated_at timestamptz not null default now()
);

-- Events a trigger could not deliver after its retries: visible, replayable, never silently dropped.
create table parked_events (
  subscription_id text not null,
  event_id uuid not null,
  global_position bigint not null,
  event_type text not null,
  trigger_name text not null,
  reason text not null,
  attempts integer not null,
  status text not null default 'parked' check (status in ('parked', 'replayed')),
  parked_at timestamptz not null default now(),
  replayed_at timestamptz,
  primary key (subscription_id, event_id, trigger_name)
);

-- Deliveries the relay chose not to make, with why (a signal for a saga that already finished).
create table ignored_deliveries (
  subscription_id text not null,
  event_id uuid not null,
  trigger_name text not null,
  workflow_id text not null,
  reason text not null,
  recorded_at timestamptz not null default now(),
  primary key (subscription_id, event_id, trigger_name)
);

-- Down Migration
drop table ignored_deliveries;
drop table parked_events;
drop table checkpoints;
drop table processed_commands;
drop table events;
