import type { Client } from '@temporalio/client';

export interface ActivityTime {
  activityType: string;
  count: number;
  /** Summed time from scheduled to completed, ms (activities in flight side by side each count). */
  totalMs: number;
}

/** A history event's time (protobuf seconds and nanos) in ms since the epoch. */
export const ms = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;

/**
 * Where a workflow's time went, read from its histories (every run of the id): per activity type, how
 * many ran and how long they took from scheduled to completed; plus the wall time the runs spanned.
 */
export async function historyProfile(
  client: Client,
  workflowId: string,
): Promise<{ wallMs: number; activities: ActivityTime[] }> {
  const byType = new Map<string, ActivityTime>();
  let first = Infinity;
  let last = 0;
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
    const scheduled = new Map<string, { type: string; at: number }>();
    for (const event of history.events ?? []) {
      const at = ms(event.eventTime);
      first = Math.min(first, at);
      last = Math.max(last, at);
      const attributes = event.activityTaskScheduledEventAttributes;
      if (attributes)
        scheduled.set(String(event.eventId), { type: attributes.activityType?.name ?? '?', at });
      const completed = event.activityTaskCompletedEventAttributes;
      if (completed) {
        const start = scheduled.get(String(completed.scheduledEventId));
        if (!start) continue;
        const entry = byType.get(start.type) ?? { activityType: start.type, count: 0, totalMs: 0 };
        entry.count++;
        entry.totalMs += at - start.at;
        byType.set(start.type, entry);
      }
    }
  }
  return { wallMs: last - first, activities: [...byType.values()] };
}

export function describeProfile(profile: { wallMs: number; activities: ActivityTime[] }): string {
  const parts = profile.activities.map(
    (a) => `${a.activityType} ×${a.count} avg ${(a.totalMs / a.count).toFixed(0)} ms`,
  );
  return `workflow wall ${profile.wallMs.toFixed(0)} ms: ${parts.join(', ')}`;
}
