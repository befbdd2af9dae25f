-- Up Migration

-- The customers read model. Databases migrated before read models had migrations of their own already
-- have this table (the event log's first migration used to create it), hence "if not exists".
create table if not exists customers (
  customer_id text primary key,
  name text not null,
  email text not null,
  status text not null check (status in ('active', 'disabled')),
  disabled_reason text,
  version integer not null,
  registered_transaction_id xid8 not null,
  registered_position bigint not null,
  updated_at timestamptz not null
);
create index if not exists customers_status on customers (status, customer_id);

-- Where in the log the current disable happened, so a bulk task can take "disabled with this reason as of
-- the request" as a fixed set.
alter table customers add column if not exists disabled_transaction_id xid8;
alter table customers add column if not exists disabled_position bigint;
create index if not exists customers_disabled_reason on customers (disabled_reason, customer_id)
  where status = 'disabled';

-- Rows written before those columns existed lack them: rebuild the read model from the log.
truncate customers;
update checkpoints set transaction_id = '0'::xid8, global_position = 0, updated_at = now()
  where subscription_id = 'projection:customers';

-- Down Migration
drop table if exists customers;
