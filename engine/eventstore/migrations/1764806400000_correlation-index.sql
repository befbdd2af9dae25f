-- Up Migration

-- A trace (GET /trace/:correlationId) reads every event of one correlation in log order; without this it
-- would scan the whole log. The position makes the index return them already ordered.
create index events_correlation on events ((metadata ->> 'correlationId'), global_position);

-- Down Migration
drop index events_correlation;
