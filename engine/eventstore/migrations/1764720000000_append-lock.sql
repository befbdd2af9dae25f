-- Up Migration

-- Every transaction that appends events holds the append lock, a shared transaction-level advisory lock
-- (keys 2, 0), from before its first write until it ends. Readers then hold their horizon back only for
-- transactions that hold it (engine/eventstore/horizon.ts), not for every writer on the server.
--
-- The lock must be taken before the transaction has an id: a transaction that got its id first and the
-- lock later could be missed by a reader in between. The command handler takes it as its first statement
-- (engine/eventstore/appendLock.ts); this trigger makes the rule hold for any other writer too: it takes
-- the lock when the insert is the transaction's first write (no id is assigned before a BEFORE STATEMENT
-- trigger runs) and refuses an insert into events after other writes made without it.
create function procession_take_append_lock() returns trigger language plpgsql as $$
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

create trigger events_take_append_lock before insert on events
  for each statement execute function procession_take_append_lock();

-- Down Migration
drop trigger events_take_append_lock on events;
drop function procession_take_append_lock();
