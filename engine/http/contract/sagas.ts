import { Type, type Static } from 'typebox';
import { dateTime, nullable, nullableString, uiLink } from '../schemas';

const nullableTime = nullable(dateTime);

/** One activity a saga ran, as its history tells it: for a command, which one and how it ended. */
export const sagaActivity = Type.Object({
  activityId: Type.String(),
  activityType: Type.String(),
  summary: nullableString,
  /** executeCommand only: the command id `<workflowId>:<step>`, its step and type. */
  commandId: nullableString,
  step: nullableString,
  commandType: nullableString,
  status: Type.Enum(['running', 'completed', 'failed', 'timedOut', 'cancelled']),
  /** Why it failed or timed out (a rejection's code and message). */
  failure: nullableString,
  scheduledTime: nullableTime,
  closeTime: nullableTime,
  /** The saga view's: an undo the saga reports done. */
  compensation: Type.Optional(Type.Boolean()),
});

export const sagaView = Type.Object({
  workflowId: Type.String(),
  runId: Type.Optional(Type.String()),
  workflowType: Type.String(),
  status: Type.String(),
  startTime: dateTime,
  closeTime: nullableTime,
  historyLength: Type.Optional(Type.Integer()),
  progress: Type.Unknown(),
  /** null when the history could not be read in time. */
  activities: Type.Optional(nullable(Type.Array(sagaActivity))),
  uiUrl: uiLink,
});

export type SagaActivity = Static<typeof sagaActivity>;
export type ActivityStatus = SagaActivity['status'];
export type SagaView = Static<typeof sagaView>;
