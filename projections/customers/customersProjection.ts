import path from 'node:path';
import { defineProjection } from '../../workflows/kit';

/**
 * The `customers` table: one row per registered customer with its current status. A batch is applied in
 * two statements, whatever its size: the registrations (a customer registers once; a repeat does nothing),
 * then, per customer, the batch's last status event, under a version guard — so a re-applied batch, or one
 * holding a customer's registration and its later disable, ends in the state the log says.
 */
export const customersProjection = defineProjection({
  name: 'customers',
  migrationsDir: path.join(__dirname, 'migrations'),
  tables: ['customers'],
  handles: ['CustomerRegistered', 'CustomerDisabled', 'CustomerEnabled'],
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
    const latest = new Map<string, (typeof events)[number]>();
    for (const event of events)
      if (event.type !== 'CustomerRegistered') latest.set(event.data.customerId, event);
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
