import { randomUUID } from 'node:crypto';
import { bulkTaskWorkflowId } from '../engine/bulk/contract';
import { customersProjection } from '../projections/customers/customersProjection';
import { benchProcession, freshDatabase, type BenchContext } from './context';
import { registerCommands, send, sendBatches, untilBulkCompleted, untilReached } from './seed';
import { seconds } from './stats';
import { describeProfile, historyProfile } from './historyProfile';

export interface BulkFigures {
  size: number;
  perSecond: number;
  baselinePerSecond: number;
  rssBeforeMiB: number;
  /** Live heap after a full GC, once the bulk has completed, against the same before it: a leak shows here. */
  heapGrowthAfterGcMiB: number | undefined;
  rssGrowthMiB: number;
  runs: number;
  maxHistoryLength: number;
  /** Where the workflow's time went, from its histories. */
  profile: string;
}

const mib = (bytes: number) => bytes / 1024 / 1024;

/**
 * The same writes as a bulk disable, in plain SQL: keyset pages of 1,000 customers from the read model,
 * one transaction per page inserting one event and one processed-command row per customer.
 */
async function baseline(size: number): Promise<number> {
  const db = await freshDatabase('bulk_baseline');
  try {
    await db.pool.query(
      `insert into customers (customer_id, name, email, status, version, registered_transaction_id,
         registered_position, updated_at)
       select 'b-' || lpad(i::text, 7, '0'), 'Bench', 'bench@example.com', 'active', 1, '1'::xid8, i, now()
       from generate_series(1, $1) as i`,
      [size],
    );
    const started = performance.now();
    let after = '';
    for (;;) {
      const page = await db.pool.query<{ customer_id: string }>(
        `select customer_id from customers where customer_id > $1
           and (registered_transaction_id, registered_position) <= ('1'::xid8, $2::bigint)
         order by customer_id limit 1000`,
        [after, size],
      );
      if (page.rows.length === 0) break;
      const ids = page.rows.map((row) => row.customer_id);
      const client = await db.pool.connect();
      try {
        await client.query('begin');
        await client.query(
          `insert into events (event_id, stream_id, stream_version, event_type, data, metadata)
           select gen_random_uuid(), 'customer-' || id, 2, 'CustomerDisabled',
                  jsonb_build_object('customerId', id, 'reason', 'bench'),
                  jsonb_build_object('commandId', 'bulk:base:' || id, 'actor', 'bench', 'correlationId', 'bench')
           from unnest($1::text[]) as id`,
          [ids],
        );
        await client.query(
          `insert into processed_commands (command_id, stream_id, command_type, request_hash, result)
           select 'bulk:base:' || id, 'customer-' || id, 'DisableCustomer', md5(id), '{}'::jsonb
           from unnest($1::text[]) as id`,
          [ids],
        );
        await client.query('commit');
      } finally {
        client.release();
      }
      after = ids.at(-1)!;
    }
    return size / seconds(started);
  } finally {
    await db.drop();
  }
}

/** Request → completed (the read model reflecting it), through the relay and the one bulk workflow. */
export async function bulkFigures(context: BenchContext, size: number): Promise<BulkFigures> {
  const baselinePerSecond = await baseline(size);
  const procession = await benchProcession(context, 'bulk', ['worker', 'relay', 'projections']);
  const { pool, client } = procession.running;
  try {
    const last = await sendBatches(pool, registerCommands(`c${randomUUID().slice(0, 6)}`, size));
    await untilReached(pool, customersProjection.subscriptionId, last);
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
    const bulkId = randomUUID();
    const started = performance.now();
    await send(pool, {
      type: 'RequestBulkTask',
      data: { bulkId, task: 'disable-all-customers', params: { reason: 'bench' } },
    });
    await untilBulkCompleted(pool, bulkId);
    const perSecond = size / seconds(started);
    clearInterval(sampler);
    global.gc?.();
    const heapGrowthAfterGcMiB = global.gc ? mib(process.memoryUsage().heapUsed - heapBefore) : undefined;
    const counted = await pool.query<{ count: string }>(
      `select count(*) from events where event_type = 'CustomerDisabled' and metadata->>'commandId' like $1`,
      [`bulk:${bulkId}:%`],
    );
    if (Number(counted.rows[0]!.count) !== size)
      throw new Error(`bulk bench: ${counted.rows[0]!.count} of ${size} disabled`);
    let runs = 0;
    let maxHistoryLength = 0;
    const workflowId = bulkTaskWorkflowId('disable-all-customers', bulkId);
    // The list's own history length is not filled in by every server; describe() always has it.
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      runs++;
      const described = await client.workflow.getHandle(workflowId, execution.runId).describe();
      maxHistoryLength = Math.max(maxHistoryLength, described.historyLength ?? 0);
    }
    const profile = describeProfile(await historyProfile(client, workflowId));
    return {
      size,
      perSecond,
      baselinePerSecond,
      rssBeforeMiB: mib(rssBefore),
      rssGrowthMiB: mib(rssPeak - rssBefore),
      heapGrowthAfterGcMiB,
      runs,
      maxHistoryLength,
      profile,
    };
  } finally {
    await procession.drop();
  }
}
