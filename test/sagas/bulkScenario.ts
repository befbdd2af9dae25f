import { randomUUID } from 'node:crypto';
import { handleCommandBatch } from '../../engine/eventstore/batchCommandHandler';
import {
  disableAllCustomersWorkflowId,
  type BulkProgress,
} from '../../workflows/disableAllCustomers/contract';
import { eventually, type SagaHarness } from '../harness/sagaHarness';
import { shop } from '../../domain/registry';

/** Registers `count` customers (ids sort in registration order), the first `disabledCount` disabled. */
export async function seedCustomers(h: SagaHarness, count: number, disabledCount = 0): Promise<string[]> {
  const prefix = randomUUID().slice(0, 8);
  const ids = Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(6, '0')}`);
  const envelope = (command: Parameters<SagaHarness['send']>[0]) => ({
    commandId: randomUUID(),
    command,
    metadata: { correlationId: 'seed', causationId: 'seed', actor: 'test' },
  });
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    await handleCommandBatch(
      h.db.pool,
      shop,
      chunk.map((customerId) =>
        envelope({
          type: 'RegisterCustomer',
          data: { customerId, name: customerId, email: `${customerId}@example.com` },
        }),
      ),
    );
  }
  await handleCommandBatch(
    h.db.pool,
    shop,
    ids
      .slice(0, disabledCount)
      .map((customerId) => envelope({ type: 'DisableCustomer', data: { customerId, reason: 'earlier' } })),
  );
  return ids;
}

export async function requestBulk(h: SagaHarness, reason = 'shutting down the shop'): Promise<string> {
  const bulkId = randomUUID();
  await h.send({
    type: 'RequestDisableAllCustomers',
    data: { bulkId, reason },
  });
  return bulkId;
}

export function bulkSagaOf(h: SagaHarness, bulkId: string) {
  const handle = h.temporal.client.workflow.getHandle(disableAllCustomersWorkflowId(bulkId));
  return {
    handle,
    started: () => eventually(() => handle.describe(), 30_000, `bulk saga ${bulkId}`),
    progress: () => handle.query<BulkProgress>('progress'),
    result: async (): Promise<BulkProgress> => {
      await eventually(() => handle.describe(), 30_000, `bulk saga ${bulkId}`);
      return handle.result();
    },
  };
}

/** How many CustomerDisabled events each customer's stream holds. */
export async function disabledEventCounts(
  h: SagaHarness,
  ids: readonly string[],
): Promise<Map<string, number>> {
  const result = await h.db.pool.query<{ stream_id: string; count: string }>(
    `select stream_id, count(*) from events where event_type = 'CustomerDisabled' and stream_id = any($1::text[])
     group by stream_id`,
    [ids.map((id) => `customer-${id}`)],
  );
  return new Map(result.rows.map((row) => [row.stream_id.replace(/^customer-/, ''), Number(row.count)]));
}
