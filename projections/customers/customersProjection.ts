import path from 'node:path';
import { defineProjection } from '../../workflows/kit';

/**
 * The `customers` table: one row per registered customer with its current status. A batch is applied in
 * a few statements, whatever its size: the registrations (a customer registers once; a repeat does nothing),
 * then, per customer, the batch's last status event, under a version guard — so a re-applied batch, or one
 * holding a customer's registration and its later disable, ends in the state the log says. Orders go to
 * `customer_orders`, one row per order (a repeat does nothing), for spending per currency.
 */
export const customersProjection = defineProjection({
  name: 'customers',
  migrationsDir: path.join(__dirname, 'migrations'),
  tables: ['customers', 'customer_orders'],
  handles: ['CustomerRegistered', 'CustomerDisabled', 'CustomerEnabled', 'OrderPlaced'],
  batchSize: 5_000,
  async apply(client, events) {
    const registered = events.filter((event) => event.type === 'CustomerRegistered');
    if (registered.length > 0) {
      await client.query(
        `insert into customers (customer_id, name, email, status, version, registered_transaction_id,
           registered_position, updated_at)
         select id, name, email, 'active', version, tx::xid8, position, at
         from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::bigint[], $7::timestamptz[])
           as row(id, name, email, version, tx, position, at)
         on conflict (customer_id) do nothing`,
        [
          registered.map((event) => event.data.customerId),
          registered.map((event) => event.data.name),
          registered.map((event) => event.data.email),
          registered.map((event) => event.streamVersion),
          registered.map((event) => event.transactionId),
          registered.map((event) => event.globalPosition),
          registered.map((event) => event.recordedAt),
        ],
      );
    }
    const orders = events.filter((event) => event.type === 'OrderPlaced');
    if (orders.length > 0) {
      await client.query(
        `insert into customer_orders (order_id, customer_id, currency, total_cents, placed_position)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
           as placed(order_id, customer_id, currency, total_cents, placed_position)
         -- An OrderPlaced no order could come from (the relay parks it) must not wedge the read model.
         where order_id is not null and customer_id is not null and currency is not null and total_cents is not null
         on conflict (order_id) do nothing`,
        [
          orders.map((event) => event.data.orderId),
          orders.map((event) => event.data.customerId),
          orders.map((event) => event.data.currency),
          orders.map((event) => event.data.totalCents),
          orders.map((event) => event.globalPosition),
        ],
      );
    }
    const latest = new Map<
      string,
      (typeof events)[number] & { type: 'CustomerDisabled' | 'CustomerEnabled' }
    >();
    for (const event of events)
      if (event.type === 'CustomerDisabled' || event.type === 'CustomerEnabled')
        latest.set(event.data.customerId, event);
    if (latest.size === 0) return;
    const changes = [...latest.values()];
    const disabled = (event: (typeof changes)[number]) => event.type === 'CustomerDisabled';
    await client.query(
      `update customers set status = change.status, disabled_reason = change.reason,
         disabled_transaction_id = change.tx::xid8, disabled_position = change.position, version = change.version,
         updated_at = change.at
       from jsonb_to_recordset($1::jsonb)
         as change(id text, status text, reason text, tx text, position bigint, version int, at timestamptz)
       where customers.customer_id = change.id and customers.version < change.version`,
      [
        JSON.stringify(
          changes.map((event) => ({
            id: event.data.customerId,
            status: disabled(event) ? 'disabled' : 'active',
            reason: event.type === 'CustomerDisabled' ? event.data.reason : null,
            tx: disabled(event) ? event.transactionId : null,
            position: disabled(event) ? event.globalPosition : null,
            version: event.streamVersion,
            at: event.recordedAt,
          })),
        ),
      ],
    );
  },
});
