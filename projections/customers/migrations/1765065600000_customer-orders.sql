-- Up Migration

-- What each customer has ordered, one row per order, for spending per currency. Filled from OrderPlaced;
-- orders placed before this table existed appear once the read model is rebuilt from the log — online,
-- so the customers table keeps answering: npm run rebuild -- customers --online
create table customer_orders (
  order_id text primary key,
  customer_id text not null,
  currency text not null,
  total_cents bigint not null,
  placed_position bigint not null
);
create index customer_orders_by_customer on customer_orders (customer_id, currency);

-- Down Migration
drop table customer_orders;
