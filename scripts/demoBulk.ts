import type { Api, Say } from './demoApi';
import { until } from './demoApi';

export interface BulkFigures {
  customers: number;
  seconds: number;
  perSecond: number;
}

/** Registers `bulkCustomers` customers, then disables them all with one bulk task, printing its progress. */
export async function runBulkDemo(
  api: Api,
  id: (name: string) => string,
  say: Say,
  bulkCustomers: number,
): Promise<BulkFigures> {
  say(`registering ${bulkCustomers} customers for the bulk task`);
  for (let start = 0; start < bulkCustomers; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, bulkCustomers - start) }, (_, offset) =>
        api.post('/customers', {
          customerId: id(`bulk-${String(start + offset).padStart(5, '0')}`),
          name: 'Bulk',
          email: 'bulk@example.com',
        }),
      ),
    );
  }
  const requestedAt = Date.now();
  const bulk = await api.post<{ bulkId: string; workflowId: string; uiUrl: string | null }>(
    '/bulk/disable-all-customers',
    {
      reason: 'demo: closing every account',
    },
  );
  say(`DisableAllCustomers ${bulk.bulkId} → saga ${bulk.uiUrl ?? bulk.workflowId}`);
  let lastLine = '';
  const done = await until(
    async () => {
      const progress = await api.get<{
        status: string;
        total: number;
        processed: number;
        changed: number;
        unchanged: number;
        failed: number;
      }>(`/bulk/${bulk.bulkId}`);
      const line = `bulk ${progress.status}: ${progress.processed}/${progress.total} (disabled ${progress.changed}, already ${progress.unchanged}, failed ${progress.failed})`;
      if (line !== lastLine) say(line);
      lastLine = line;
      return progress.status === 'completed' || progress.status === 'cancelled' ? progress : undefined;
    },
    10 * 60_000,
    'the bulk task',
  );
  const seconds = (Date.now() - requestedAt) / 1000;
  const figures = { customers: done.total, seconds, perSecond: done.total / seconds };
  say(
    `bulk: ${done.total} customers in ${seconds.toFixed(1)} s → ${figures.perSecond.toFixed(0)} customers/s (request → completed)`,
  );
  return figures;
}
