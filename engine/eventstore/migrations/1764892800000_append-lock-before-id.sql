-- Up Migration

-- The append lock may only be taken before the transaction has an id, whoever takes it. The readers'
-- horizon (engine/eventstore/horizon.ts) excludes a running transaction once it has seen it with an id
-- and without the append lock; that is sound only if such a transaction can never take the lock later.
-- The command handler used to take it with a bare pg_advisory_xact_lock_shared, which did not check, so
-- a transaction that had written elsewhere first could still take it and append. Both ways in now go
-- through this one function.
create function procession_begin_append() returns void language plpgsql as $$
begin
  if current_setting('procession.append_lock', true) is distinct from 'held' then
    if pg_current_xact_id_if_assigned() is not null then
      raise exception 'events may only be appended by a transaction that took the append lock before its first write'
        using errcode = '55000',
              hint = 'make select procession_begin_append() the first statement of the transaction';
    end if;
    perform pg_advisory_xact_lock_shared(2, 0);
    -- Transaction-local: reverted with the lock if a savepoint taking both is rolled back.
    perform set_config('procession.append_lock', 'held', true);
  end if;
end
$$;

create or replace function procession_take_append_lock() returns trigger language plpgsql as $$
begin
  perform procession_begin_append();
  return null;
end
$$;

-- Down Migration
create or replace function procession_take_append_lock() returns trigger language plpgsql as $$
begin
  if current_setting('procession.append_lock', true) is distinct from 'held' then
    if pg_current_xact_id_if_assigned() is not null then
      raise exception 'events may only be appended by a transaction that took the append lock before its first write'
        using hint = 'begin the transaction with: select pg_advisory_xact_lock_shared(2, 0), set_config(''procession.append_lock'', ''held'', true)';
    end if;
    perform pg_advisory_xact_lock_shared(2, 0);
    perform set_config('procession.append_lock', 'held', true);
  end if;
  return null;
end
$$;
drop function procession_begin_append();
