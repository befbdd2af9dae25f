import type { ProtoFailure, WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { ApiDependencies } from './dependencies';
import { withTemporalDeadline } from './temporal';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

export type ActivityStatus = 'running' | 'completed' | 'failed' | 'timedOut' | 'cancelled';

/** One activity a saga ran, as its history tells it: for a command, which one and how it ended. */
export interface SagaActivity {
  activityId: string;
  activityType: string;
  summary: string | null;
  /** executeCommand only: the command id `<workflowId>:<step>`, its step and type. */
  commandId: string | null;
  step: string | null;
  commandType: string | null;
  status: ActivityStatus;
  /** Why it failed or timed out (a rejection's code and message). */
  failure: string | null;
  scheduledTime: Date | null;
  closeTime: Date | null;
}

export const sagaActivityView = {
  type: 'object',
  properties: {
    activityId: { type: 'string' },
    activityType: { type: 'string' },
    summary: { type: ['string', 'null'] },
    commandId: { type: ['string', 'null'] },
    step: { type: ['string', 'null'] },
    commandType: { type: ['string', 'null'] },
    status: { type: 'string' },
    failure: { type: ['string', 'null'] },
    scheduledTime: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
    closeTime: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
  },
} as const;

/**
 * The activities of a saga's current run, in the order it scheduled them, read from its history: the
 * only record of a command that was rejected (a rejection appends no event).
 */
export async function sagaActivities(deps: ApiDependencies, workflowId: string): Promise<SagaActivity[]> {
  const history = await withTemporalDeadline(deps, () =>
    deps.temporal.client.workflow.getHandle(workflowId).fetchHistory(),
  );
  const converter = deps.temporal.client.options.loadedDataConverter.payloadConverter;
  const decode = (payload: Payload | null | undefined): unknown => {
    if (!payload) return undefined;
    try {
      return converter.fromPayload(payload as Payload);
    } catch {
      return undefined;
    }
  };
  const bySchedule = new Map<string, SagaActivity>();
  const close = (
    event: HistoryEvent,
    scheduledEventId: unknown,
    status: ActivityStatus,
    failure?: string,
  ) => {
    const activity = bySchedule.get(String(scheduledEventId));
    if (!activity) return;
    activity.status = status;
    activity.failure = failure ?? null;
    activity.closeTime = optionalTsToDate(event.eventTime) ?? null;
  };
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const input = decode(scheduled.input?.payloads?.[0]) as
        { commandId?: unknown; command?: { type?: unknown } } | undefined;
      const commandId = typeof input?.commandId === 'string' ? input.commandId : null;
      const summary = decode(event.userMetadata?.summary);
      bySchedule.set(String(event.eventId), {
        activityId: scheduled.activityId ?? '',
        activityType: scheduled.activityType?.name ?? '',
        summary: typeof summary === 'string' ? summary : null,
        commandId,
        step: commandId?.startsWith(`${workflowId}:`) ? commandId.slice(workflowId.length + 1) : null,
        commandType: typeof input?.command?.type === 'string' ? input.command.type : null,
        status: 'running',
        failure: null,
        scheduledTime: optionalTsToDate(event.eventTime) ?? null,
        closeTime: null,
      });
      continue;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) close(event, completed.scheduledEventId, 'completed');
    const failed = event.activityTaskFailedEventAttributes;
    if (failed) close(event, failed.scheduledEventId, 'failed', failureText(failed.failure));
    const timedOut = event.activityTaskTimedOutEventAttributes;
    if (timedOut) close(event, timedOut.scheduledEventId, 'timedOut', failureText(timedOut.failure));
    const cancelled = event.activityTaskCanceledEventAttributes;
    if (cancelled) close(event, cancelled.scheduledEventId, 'cancelled');
  }
  return [...bySchedule.values()];
}

function failureText(failure: ProtoFailure | null | undefined): string | undefined {
  if (!failure) return undefined;
  const type = failure.applicationFailureInfo?.type;
  return type && !failure.message?.startsWith(type)
    ? `${type}: ${failure.message}`
    : (failure.message ?? undefined);
}
