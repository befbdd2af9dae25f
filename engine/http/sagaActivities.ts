import type { ProtoFailure, WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { ApiDependencies } from './dependencies';
import type { ActivityStatus, SagaActivity } from './contract';
import { withTemporalDeadline } from './temporal';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

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
  const stepOf = (commandId: string | null) =>
    commandId?.startsWith(`${workflowId}:`) ? commandId.slice(workflowId.length + 1) : null;
  for (const event of history.events ?? []) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === localActivityMarker) {
      const local = localActivity(event, decode);
      if (local) {
        local.step = stepOf(local.commandId);
        bySchedule.set(`local:${local.activityId}`, local);
      }
      continue;
    }
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
        step: stepOf(commandId),
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

/** The marker the SDK records for a local activity once it has finished (all its attempts). */
const localActivityMarker = 'core_local_activity';

interface LocalActivityMarkerData {
  activity_id?: string;
  activity_type?: string;
  original_schedule_time?: { seconds?: number; nanos?: number } | null;
  complete_time?: { seconds?: number; nanos?: number } | null;
}

/**
 * A local activity (how sagas send commands and read aggregates) leaves one marker: its type, times, and
 * result or failure, but not its input — the command's id and type come from the result (or the
 * failure's details), which executeCommand fills in for that reason.
 */
function localActivity(event: HistoryEvent, decode: (payload: Payload | null | undefined) => unknown) {
  const marker = event.markerRecordedEventAttributes!;
  const data = decode(marker.details?.data?.payloads?.[0]) as LocalActivityMarkerData | undefined;
  if (!data) return undefined;
  const failure = marker.failure ?? null;
  const answer = (
    failure
      ? decode(failure.applicationFailureInfo?.details?.payloads?.[0])
      : decode(marker.details?.result?.payloads?.[0])
  ) as { commandId?: unknown; commandType?: unknown } | undefined;
  const commandId = typeof answer?.commandId === 'string' ? answer.commandId : null;
  const summary = decode(event.userMetadata?.summary);
  const time = (at: LocalActivityMarkerData['complete_time']) =>
    at ? new Date(Number(at.seconds ?? 0) * 1000 + Math.floor((at.nanos ?? 0) / 1e6)) : null;
  const activity: SagaActivity = {
    activityId: data.activity_id ?? '',
    activityType: data.activity_type ?? '',
    summary: typeof summary === 'string' ? summary : null,
    commandId,
    step: null,
    commandType: typeof answer?.commandType === 'string' ? answer.commandType : null,
    status: failure ? 'failed' : 'completed',
    failure: failure ? (failureText(failure) ?? null) : null,
    scheduledTime: time(data.original_schedule_time),
    closeTime: time(data.complete_time) ?? optionalTsToDate(event.eventTime) ?? null,
  };
  return activity;
}

function failureText(failure: ProtoFailure | null | undefined): string | undefined {
  if (!failure) return undefined;
  const type = failure.applicationFailureInfo?.type;
  return type && !failure.message?.startsWith(type)
    ? `${type}: ${failure.message}`
    : (failure.message ?? undefined);
}
