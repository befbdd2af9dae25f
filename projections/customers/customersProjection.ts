import path from 'node:path';
import { defineProjection } from '../kit';

/**
 * The `customers` table: one row per registered customer with its current status. A version guard makes
 * a re-applied event a no-op, so a batch retried after a dropped connection changes nothing twice.
 */
export const customersProjection = defineProjection({
  name: 'customers',
  migrationsDir: path.join(__dirname, 'migrations'),
  tables: ['customers'],
  handles: ['CustomerRegistered', 'CustomerDisabled', 'CustomerEnabled'],
  async apply(client, events) {
    for (const event of events) {
      switch (event.type) {
        case 'CustomerRegistered': {
          const { customerId, name, email } = event.data;
          await client.query(
            `insert into customers (customer_id, name, email, status, version, registered_transaction_id,
               registered_position, updated_at)
             values ($1, $2, $3, 'active', $4, $5::xid8, $6, $7)
             on conflict (customer_id) do nothing`,
            [
              customerId,
              name,
              email,
              event.streamVersion,
              event.transactionId,
              event.globalPosition,
              event.recordedAt,
            ],
          );
          break;
        }
        case 'CustomerDisabled':
          await client.query(
            `update customers set status = 'disabled', disabled_reason = $2, disabled_transaction_id = $3::xid8,
               disabled_position = $4, version = $5, updated_at = $6
             where customer_id = $1 and version < $5`,
            [
              event.data.customerId,
              event.data.reason,
              event.transactionId,
              event.globalPosition,
              event.streamVersion,
              event.recordedAt,
            ],
          );
          break;
        case 'CustomerEnabled':
          await client.query(
            `update customers set status = 'active', disabled_reason = null, disabled_transaction_id = null,
               disabled_position = null, version = $2, updated_at = $3
             where customer_id = $1 and version < $2`,
            [event.data.customerId, event.streamVersion, event.recordedAt],
          );
          break;
      }
    }
  },
});
