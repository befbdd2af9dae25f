import { randomUUID } from 'node:crypto';
import { handleCommandBatch } from '../../engine/commands/batchCommandHandler';
import type { BulkParams } from '../../engine/bulk/bulkTaskAggregate';
import { bulkTaskWorkflowId, type BulkProgress } from '../../engine/bulk/contract';
import { eventually, type SagaHarness } from '../harness/sagaHarness';
import { shop } from '../../domain/registry';

const envelope = (command: Parameters<SagaHarness['send']>[0]) => ({
  commandId: randomUUID(),
  command,
  metadata: { correlationId: 'seed', causationId: 'seed', actor: 'test' },
});

/** Registers `count` customers (ids sort in registration order), the first `disabledCount` disabled. */
export async function seedCustomers(
  h: SagaHarness,
  count: number,
  disabledCount = 0,
  disabledReason = 'earlier',
): Promise<string[]> {
  const prefix = randomUUID().slice(0, 8);
  const ids = Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(6, '0')}`);
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
  await disableCustomers(h, ids.slice(0, disabledCount), disabledReason);
  return ids;
}

export async function disableCustomers(
  h: SagaHarness,
  ids: readonly string[],
  reason: string,
): Promise<void> {
  if (ids.length === 0) return;
  await handleCommandBatch(
    h.db.pool,
    shop,
    ids.map((customerId) => envelope({ type: 'DisableCustomer', data: { customerId, reason } })),
  );
}

export interface RequestedBulk {
  bulkId: string;
  task: string;
}

export async function requestBulk(
  h: SagaHarness,
  params: BulkParams = { reason: 'shutting down the shop' },
  task = 'disable-all-customers',
): Promise<RequestedBulk> {
  const bulkId = randomUUID();
  await h.send({ type: 'RequestBulkTask', data: { bulkId, task, params } });
  return { bulkId, task };
}

export function bulkSagaOf(h: SagaHarness, { bulkId, task }: RequestedBulk) {
  const handle = h.temporal.client.workflow.getHandle(bulkTaskWorkflowId(task, bulkId));
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

/** How many events of `type` each customer's stream holds. */
export async function eventCounts(
  h: SagaHarness,
  type: 'CustomerDisabled' | 'CustomerEnabled',
  ids: readonly string[],
): Promise<Map<string, number>> {
  const result = await h.db.pool.query<{ stream_id: string; count: string }>(
    `select stream_id, count(*) from events where event_type = $2 and stream_id = any($1::text[])
     group by stream_id`,
    [ids.map((id) => `customer-${id}`), type],
  );
  return new Map(result.rows.map((row) => [row.stream_id.replace(/^customer-/, ''), Number(row.count)]));
}
