import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { shop, type DomainCommand } from '../domain/registry';
import { handleCommandBatch } from '../engine/commands/batchCommandHandler';
import { handleCommand } from '../engine/commands/commandHandler';
import { checkpointReached } from '../engine/eventstore/positionReached';

export const envelope = (command: DomainCommand) => ({
  commandId: randomUUID(),
  command,
  metadata: { correlationId: 'bench', causationId: 'bench', actor: 'bench' },
});

export const send = (pool: Pool, command: DomainCommand) => handleCommand(pool, shop, envelope(command));

/** Sends commands through the batch handler, 1,000 per batch; returns the highest position appended. */
export async function sendBatches(pool: Pool, commands: readonly DomainCommand[]): Promise<string> {
  let last = '0';
  for (let start = 0; start < commands.length; start += 1_000) {
    const outcomes = await handleCommandBatch(pool, shop, commands.slice(start, start + 1_000).map(envelope));
    for (const outcome of outcomes) {
      if (!outcome.ok) throw outcome.error;
      const position = outcome.result.position;
      if (position !== null && BigInt(position) > BigInt(last)) last = position;
    }
  }
  return last;
}

export function registerCommands(prefix: string, count: number): DomainCommand[] {
  return Array.from({ length: count }, (_, index) => ({
    type: 'RegisterCustomer',
    data: {
      customerId: `${prefix}-${String(index).padStart(7, '0')}`,
      name: 'Bench',
      email: 'bench@example.com',
    },
  }));
}

/** Waits until a subscription (a projection, the relay) has passed the event at `position`. */
export async function untilReached(pool: Pool, subscriptionId: string, position: string): Promise<void> {
  while (!(await checkpointReached(pool, subscriptionId, position)).reached)
    await new Promise((resolve) => setTimeout(resolve, 10));
}

export const orderCommand = (orderId: string, customerId: string, sku: string): DomainCommand => ({
  type: 'PlaceOrder',
  data: {
    orderId,
    customerId,
    lines: [{ sku, quantity: 1, unitPriceCents: 1_000 }],
    paymentMethod: 'pm_card_ok',
    shippingAddress: { name: 'Bench', line1: '1 Bench Rd', city: 'Leeds', postalCode: 'LS1', country: 'GB' },
  },
});

/** Waits until a bulk task's completion is in the log. */
export async function untilBulkCompleted(pool: Pool, bulkId: string): Promise<void> {
  for (;;) {
    const done = await pool.query(
      `select 1 from events where stream_id = $1 and event_type = 'BulkTaskCompleted'`,
      [`bulk-${bulkId}`],
    );
    if (done.rowCount) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
