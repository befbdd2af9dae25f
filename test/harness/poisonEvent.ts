import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { appendToStream } from '../../engine/eventstore/append';

/**
 * Appends an OrderPlaced without an order id (a corrupt or legacy event): the trigger's plan throws on it,
 * so the relay cannot start a saga and parks it. Returns its stream id.
 */
export async function appendPoisonOrderPlaced(pool: Pool): Promise<string> {
  const streamId = `order-poison-${randomUUID()}`;
  const client = await pool.connect();
  try {
    await appendToStream(client, streamId, 0, [
      {
        type: 'OrderPlaced',
        data: { customerId: 'nobody' },
        metadata: {
          eventId: randomUUID(),
          commandId: randomUUID(),
          commandType: 'PlaceOrder',
          correlationId: 'poison',
          causationId: 'poison',
          actor: 'test',
        },
      },
    ]);
  } finally {
    client.release();
  }
  return streamId;
}
