import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { shop } from '../../domain/registry';
import { handleCommandBatch } from '../../engine/commands/batchCommandHandler';

/** Registers customers straight through the batch handler (fast), returning their ids and the last position. */
export async function seedCustomers(pool: Pool, prefix: string, count: number) {
  const ids = Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(6, '0')}`);
  let lastPosition = '0';
  for (let start = 0; start < ids.length; start += 1_000) {
    const outcomes = await handleCommandBatch(
      pool,
      shop,
      ids.slice(start, start + 1_000).map((customerId) => ({
        commandId: randomUUID(),
        command: { type: 'RegisterCustomer', data: { customerId, name: customerId, email: 'f@example.com' } },
        metadata: { correlationId: 'seed', causationId: 'seed', actor: 'test:seed' },
      })),
    );
    for (const outcome of outcomes)
      if (outcome.ok && outcome.result.position && BigInt(outcome.result.position) > BigInt(lastPosition))
        lastPosition = outcome.result.position;
  }
  return { ids, lastPosition };
}

export async function countsBy(
  pool: Pool,
  sql: string,
  values: unknown[] = [],
): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ key: string; count: string }>(sql, values);
  return new Map(rows.map((row) => [row.key, Number(row.count)]));
}

/** Writes a scenario's figures where the run can be read back, and prints them. */
export function report(scenario: string, figures: Record<string, unknown>): void {
  console.log(`[fault] ${scenario} ${JSON.stringify(figures)}`);
}
