-- Up Migration

-- The admin page lists the newest bulk runs: their requests, newest first, without reading the whole log.
-- Only bulk requests are in it, so no other append pays for it.
create index events_bulk_requests on events (global_position) where event_type = 'BulkTaskRequested';

-- Down Migration
drop index events_bulk_requests;
