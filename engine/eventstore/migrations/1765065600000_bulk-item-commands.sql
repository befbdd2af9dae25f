-- Up Migration

-- Reverting a bulk task pages the items its run changed, found by their command ids
-- (`bulk:<bulkId>:<itemId>`). The primary key cannot serve a prefix range under a database's own
-- collation (C.UTF-8 or a language's would not keep one prefix's ids together), so this index orders
-- them bytewise; it covers bulk items only, so no other command pays for it.
create index processed_commands_bulk_items on processed_commands ((command_id collate "C"))
  where command_id like 'bulk:%';

-- Down Migration
drop index processed_commands_bulk_items;
