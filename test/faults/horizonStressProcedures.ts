import { eventsChannel } from '../../engine/eventstore/append';
import { takeAppendLock } from '../../engine/eventstore/appendLock';

// The horizon stress's server-side load (./horizonStress.ts): procedures that commit in a loop, so
// backends, not one Node.js process, set the pace.

const lockStatement = takeAppendLock.replace(/^\s*select\b/i, 'perform');

// One appending transaction after another until the deadline, each of a random shape. Counts the events
// it rolled back (whole transactions and savepoints), so the run can say it met them.
export const appendProcedure = `
create or replace procedure stress_append(deadline timestamptz, flush_wal boolean, brisk_seconds int,
  dawdle_seconds int, inout rolled_back bigint)
language plpgsql as $$
declare
  lock_held boolean;
  dawdling boolean;
  inserted int;
  in_transaction int;
begin
  if not flush_wal then perform set_config('synchronous_commit', 'off', false); end if;
  rolled_back := 0;
  while clock_timestamp() < deadline loop
    -- Brisk, then dawdling, all appenders in step. Brisk is what a skip needs: every older append ended
    -- and a newer one committed. Dawdling holds transactions open as slower clients do, and while one
    -- does, no newer append can be skipped.
    dawdling := floor(extract(epoch from clock_timestamp()))::bigint % (brisk_seconds + dawdle_seconds) >= brisk_seconds;
    lock_held := random() < 0.5;
    in_transaction := 0;
    if lock_held then ${lockStatement}; end if;
    for step in 1 .. 1 + floor(random() * 3)::int loop
      if lock_held and random() < 0.3 then
        inserted := 0;
        begin
          insert into events (event_id, stream_id, stream_version, event_type, data, metadata)
          select gen_random_uuid(), 'stress-' || gen_random_uuid(), 1, 'Stressed', '{}', '{}'
          from generate_series(1, 1 + floor(random() * 3)::int);
          get diagnostics inserted = row_count;
          if random() < 0.3 then raise exception using errcode = 'P0001', message = 'undo the savepoint'; end if;
          in_transaction := in_transaction + inserted;
        exception when sqlstate 'P0001' then
          rolled_back := rolled_back + inserted;
        end;
      else
        insert into events (event_id, stream_id, stream_version, event_type, data, metadata)
        select gen_random_uuid(), 'stress-' || gen_random_uuid(), 1, 'Stressed', '{}', '{}'
        from generate_series(1, (array[1, 1, 1, 2, 5])[1 + floor(random() * 5)::int]);
        get diagnostics inserted = row_count;
        in_transaction := in_transaction + inserted;
        lock_held := true;
      end if;
      if dawdling and random() < 0.3 then perform pg_sleep(random() * 0.003); end if;
    end loop;
    perform pg_notify('${eventsChannel}', 'stress');
    if random() < 0.05 then
      rollback;
      rolled_back := rolled_back + in_transaction;
    else
      commit;
    end if;
  end loop;
end
$$`;

export const strangerProcedure = `
create or replace procedure stress_stranger(deadline timestamptz, inout commits bigint)
language plpgsql as $$
begin
  perform set_config('synchronous_commit', 'off', false);
  commits := 0;
  while clock_timestamp() < deadline loop
    insert into stress_scratch (written_at) values (clock_timestamp());
    commit;
    commits := commits + 1;
  end loop;
end
$$`;
