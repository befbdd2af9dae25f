-- Up Migration
-- A replay is requested through the API and carried out by the relay, the only process that delivers.
alter table parked_events drop constraint parked_events_status_check;
alter table parked_events
  add constraint parked_events_status_check check (status in ('parked', 'replay_requested', 'replayed'));
alter table parked_events add column replay_requested_at timestamptz;
create index parked_events_status on parked_events (status, parked_at);

-- Down Migration
drop index parked_events_status;
alter table parked_events drop column replay_requested_at;
alter table parked_events drop constraint parked_events_status_check;
alter table parked_events add constraint parked_events_status_check check (status in ('parked', 'replayed'));
