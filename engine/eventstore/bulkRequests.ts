import type { Queryable } from './types';

export interface BulkRequestRow {
  bulkId: string;
  task: string;
  params: Record<string, unknown>;
  requestedAt: Date;
}

/**
 * The newest bulk runs' requests, newest first (by the partial index events_bulk_requests). Requests
 * stored under an older event type an application upcasts are not in it; they stay reachable by id.
 */
export async function recentBulkRequests(db: Queryable, limit: number): Promise<BulkRequestRow[]> {
  const { rows } = await db.query<{
    data: { bulkId: string; task: string; params?: Record<string, unknown> };
    recorded_at: Date;
  }>(
    `select data, recorded_at from events where event_type = 'BulkTaskRequested'
      order by global_position desc limit $1`,
    [limit],
  );
  return rows.map(({ data, recorded_at }) => ({
    bulkId: data.bulkId,
    task: data.task,
    params: data.params ?? {},
    requestedAt: recorded_at,
  }));
}
