import type { Pool, PoolClient } from 'pg';
import { LogSubscription } from '../../engine/eventstore/subscription';
import { inTransaction } from '../../engine/eventstore/transaction';
import type { StoredEvent } from '../../engine/eventstore/types';

export const customersProjectionId = 'projection:customers';

interface Registered {
  customerId: string;
  name: string;
  email: string;
}

/**
 * Applies customer events to the `customers` table. Runs inside the subscription's transaction, so the
 * rows and the checkpoint move together; a version guard makes a re-applied event a no-op.
 */
export async function applyCustomerEvents(client: PoolClient, events: readonly StoredEvent[]): Promise<void> {
  for (const event of events) {
    switch (event.type) {
      case 'CustomerRegistered': {
        const data = event.data as Registered;
        await client.query(
          `insert into customers (customer_id, name, email, status, version, registered_transaction_id,
             registered_position, updated_at)
           values ($1, $2, $3, 'active', $4, $5::xid8, $6, $7)
           on conflict (customer_id) do nothing`,
          [
            data.customerId,
            data.name,
            data.email,
            event.streamVersion,
            event.transactionId,
            event.globalPosition,
            event.recordedAt,
          ],
        );
        break;
      }
      case 'CustomerDisabled':
      case 'CustomerEnabled': {
        const data = event.data as { customerId: string; reason?: string };
        const disabled = event.type === 'CustomerDisabled';
        await client.query(
          `update customers set status = $2, disabled_reason = $3, version = $4, updated_at = $5
           where customer_id = $1 and version < $4`,
          [
            data.customerId,
            disabled ? 'disabled' : 'active',
            disabled ? (data.reason ?? null) : null,
            event.streamVersion,
            event.recordedAt,
          ],
        );
        break;
      }
    }
  }
}

export function customersProjection(
  pool: Pool,
  options: { pollIntervalMs?: number; batchSize?: number; onError?: (error: unknown) => void } = {},
) {
  return new LogSubscription(pool, {
    subscriptionId: customersProjectionId,
    transactional: true,
    batchSize: 500,
    handleBatch: (events, client) => applyCustomerEvents(client!, events),
    ...options,
  });
}

/**
 * Empties the read model and moves its checkpoint to the start of the log in one transaction; the
 * projection then rebuilds it from position 0. Waits for a batch in flight (it holds the checkpoint row).
 */
export async function resetCustomersReadModel(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(
      `insert into checkpoints (subscription_id, transaction_id, global_position)
       values ($1, '0'::xid8, 0)
       on conflict (subscription_id) do update set transaction_id = '0'::xid8, global_position = 0, updated_at = now()`,
      [customersProjectionId],
    );
    await client.query('truncate customers');
  });
}
