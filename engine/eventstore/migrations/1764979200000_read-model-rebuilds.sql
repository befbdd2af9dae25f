-- Up Migration

-- The latest online (blue/green) rebuild of each read model: what a person watching it asks, and what an
-- interrupted rebuild resumes from (its shadow tables and checkpoint stay in place).
create table read_model_rebuilds (
  read_model text primary key,
  phase text not null check (phase in ('building', 'swapping', 'done', 'failed')),
  started_at timestamptz not null,
  swapped_at timestamptz,
  finished_at timestamptz,
  events_applied bigint not null default 0,
  error text
);

-- Down Migration
drop table read_model_rebuilds;
