import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { handleCommandBatch } from '../../engine/commands/batchCommandHandler';
import { shop } from '../../domain/registry';

/**
 * Registers `count` customers straight through the command handler, a thousand a batch, and answers their
 * ids (a fresh prefix, then the index: they sort in registration order). For tests that need an item set.
 */
export async function registerCustomers(pool: Pool, count: number): Promise<string[]> {
  const prefix = randomUUID().slice(0, 8);
  const ids = Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(6, '0')}`);
  for (let start = 0; start < ids.length; start += 1_000)
    await handleCommandBatch(
      pool,
      shop,
      ids.slice(start, start + 1_000).map((customerId) => ({
        commandId: randomUUID(),
        command: {
          type: 'RegisterCustomer' as const,
          data: { customerId, name: customerId, email: `${customerId}@example.com` },
        },
        metadata: { correlationId: 'seed', causationId: 'seed', actor: 'test' },
      })),
    );
  return ids;
}
