import type { ProtoFailure, WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { ApiDependencies } from './dependencies';
import type { SagaActivity } from './contract';
import { withTemporalDeadline } from './temporal';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

type Decode = (payload: Payload | null | undefined) => unknown;

/** Payloads as the client's converter reads them; one it cannot read is left out, not an error. */
function decoderOf(deps: ApiDependencies): Decode {
  const converter = deps.temporal.client.options.loadedDataConverter.payloadConverter;
  return (payload) => {
    if (!payload) return undefined;
    try {
      return converter.fromPayload(payload as Payload);
    } catch {
      return undefined;
    }
  };
}

/** An activity task as scheduled: for executeCommand, its input names the command. */
function scheduledActivity(event: HistoryEvent, decode: Decode): SagaActivity | undefined {
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (!scheduled) return undefined;
  const input = decode(scheduled.input?.payloads?.[0]) as
    { commandId?: unknown; command?: { type?: unknown } } | undefined;
  const summary = decode(event.userMetadata?.summary);
  return {
    activityId: scheduled.activityId ?? '',
    activityType: scheduled.activityType?.name ?? '',
    summary: typeof summary === 'string' ? summary : null,
    commandId: typeof input?.commandId === 'string' ? input.commandId : null,
    step: null,
    commandType: typeof input?.command?.type === 'string' ? input.command.type : null,
    status: 'running',
    failure: null,
    scheduledTime: optionalTsToDate(event.eventTime) ?? null,
    closeTime: null,
  };
}

/** How an activity task ended, if this event ends one. */
function activityClose(event: HistoryEvent) {
  const completed = event.activityTaskCompletedEventAttributes;
  if (completed) return { scheduledEventId: completed.scheduledEventId, status: 'completed' as const };
  const failed = event.activityTaskFailedEventAttributes;
  if (failed)
    return {
      scheduledEventId: failed.scheduledEventId,
      status: 'failed' as const,
      failure: failureText(failed.failure),
    };
  const timedOut = event.activityTaskTimedOutEventAttributes;
  if (timedOut)
    return {
      scheduledEventId: timedOut.scheduledEventId,
      status: 'timedOut' as const,
      failure: failureText(timedOut.failure),
    };
  const cancelled = event.activityTaskCanceledEventAttributes;
  if (cancelled) return { scheduledEventId: cancelled.scheduledEventId, status: 'cancelled' as const };
  return undefined;
}

/**
 * The activities of a saga's current run, in the order it scheduled them, read from its history: the
 * only record of a command that was rejected (a rejection appends no event).
 */
export async function sagaActivities(deps: ApiDependencies, workflowId: string): Promise<SagaActivity[]> {
  const history = await withTemporalDeadline(deps, () =>
    deps.temporal.client.workflow.getHandle(workflowId).fetchHistory(),
  );
  const decode = decoderOf(deps);
  const stepOf = (commandId: string | null) =>
    commandId?.startsWith(`${workflowId}:`) ? commandId.slice(workflowId.length + 1) : null;
  const bySchedule = new Map<string, SagaActivity>();
  for (const event of history.events ?? []) {
    const local =
      event.markerRecordedEventAttributes?.markerName === localActivityMarker
        ? localActivity(event, decode)
        : undefined;
    if (local) bySchedule.set(`local:${local.activityId}`, { ...local, step: stepOf(local.commandId) });
    const scheduled = scheduledActivity(event, decode);
    if (scheduled) bySchedule.set(String(event.eventId), { ...scheduled, step: stepOf(scheduled.commandId) });
    const close = activityClose(event);
    const activity = close && bySchedule.get(String(close.scheduledEventId));
    if (close && activity) {
      activity.status = close.status;
      activity.failure = ('failure' in close ? close.failure : undefined) ?? null;
      activity.closeTime = optionalTsToDate(event.eventTime) ?? null;
    }
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
function localActivity(event: HistoryEvent, decode: Decode) {
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
