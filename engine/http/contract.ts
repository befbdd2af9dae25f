/**
 * What crosses the wire, once: the shapes the generic routes answer, as TypeBox schemas the routes
 * serialize with, and their types (`Static<>`) for the engine code that builds them, the `procession`
 * command line and the explorer page (both `import type` only: they run no server code).
 *
 * Times are `Date` on the server and ISO strings after JSON, hence `Date | string` in the types.
 */
import { Type, type Static } from 'typebox';
import type { BulkFailure } from '../bulk/bulkTaskAggregate';
import type { BulkProgress } from '../bulk/contract';
import type { ParkedEvent } from '../eventstore/parkedEvents';
import type { StoredEvent } from '../eventstore/types';
import { dateTime, nullable, nullableString, uiLink } from './schemas';

/** A global position: bigint as a decimal string, exact past 2^53. */
const globalPosition = Type.String({ pattern: '^[0-9]+$' });
const nullableTime = nullable(dateTime);

// ---- causation trees (GET /trace/:correlationId) ----

/** One node of a causation tree as the engine rebuilds it; the fields beyond the common ones depend on the kind. */
export const causationNode = Type.Object({
  /** `<kind>:<its own id>`, unique in the tree. */
  id: Type.String(),
  kind: Type.Enum(['request', 'command', 'event', 'saga']),
  parentId: nullableString,
  children: Type.Array(Type.String()),
  /** The event type, the command type, the workflow type, or 'request'. */
  type: Type.String(),
  /** When the log saw it: an event's record time, a command's first event's, a saga's start event's. */
  time: dateTime,
  /** request: the causation id the sender gave (an HTTP request id, or `http:<Idempotency-Key>`). */
  causationId: Type.Optional(Type.String()),
  /** request and command: who sent it. */
  actor: Type.Optional(Type.String()),
  commandId: Type.Optional(Type.String()),
  /** command sent by a saga: the step, from its command id `<workflowId>:<step>`. */
  step: Type.Optional(Type.String()),
  eventId: Type.Optional(Type.String()),
  streamId: Type.Optional(Type.String()),
  streamVersion: Type.Optional(Type.Integer()),
  globalPosition: Type.Optional(Type.String()),
  workflowId: Type.Optional(Type.String()),
  /** saga: how its parent event reached it: a start, or a signal (signal-with-start). */
  delivery: Type.Optional(Type.Enum(['start', 'signal'])),
  /** saga: events of this correlation that signalled it after its parent event. */
  signalledBy: Type.Optional(Type.Array(Type.String())),
});

/** A node as the trace route answers it: a saga's node adds what Temporal says of it now (nulls when it cannot). */
export const traceNode = Type.Object({
  ...causationNode.properties,
  status: Type.Optional(nullableString),
  startTime: Type.Optional(nullableTime),
  closeTime: Type.Optional(nullableTime),
  uiUrl: Type.Optional(uiLink),
});

export const trace = Type.Object({
  correlationId: Type.String(),
  /** A large bulk task puts every item's command under one correlation: the trace shows the first ones. */
  truncated: Type.Boolean(),
  nodes: Type.Array(traceNode),
});

export type CausationNode = Static<typeof causationNode>;
export type TraceNode = Static<typeof traceNode>;
export type Trace = Static<typeof trace>;

// ---- sagas (GET /sagas/:workflowId) ----

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

// ---- bulk tasks (GET /bulk/:bulkId, and the pause, resume and cancel answers) ----

const count = Type.Integer();

export const bulkProgressView = Type.Object({
  bulkId: Type.String(),
  task: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  /** The run's own status (BulkProgress), or `requested` before the relay started it. */
  status: Type.Unsafe<BulkProgress['status'] | 'requested'>(Type.String()),
  total: count,
  processed: count,
  changed: count,
  unchanged: count,
  failed: count,
  failures: Type.Array(Type.Object({ itemId: Type.String(), reason: Type.String() })),
  failureReason: nullableString,
  /** Where the numbers come from: the live saga, or the bulk aggregate when the saga cannot say. */
  source: Type.Enum(['workflow', 'aggregate']),
  workflowId: Type.String(),
  uiUrl: uiLink,
});

export type BulkProgressView = Static<typeof bulkProgressView>;

// ---- streams (GET /streams/:streamId) ----

export const streamEvent = Type.Object({
  streamVersion: Type.Integer(),
  globalPosition,
  eventId: Type.String(),
  type: Type.String(),
  schemaVersion: Type.Integer(),
  data: Type.Unknown(),
  metadata: Type.Unknown(),
  recordedAt: dateTime,
});

/** Playback: the aggregate as it was at a version or a time, and the events that made it so. */
export const streamView = Type.Object({
  streamId: Type.String(),
  version: Type.Integer(),
  state: Type.Unknown(),
  events: Type.Array(streamEvent),
});

export type StreamView = Static<typeof streamView>;

// ---- what the relay did not deliver (GET /parked-events, GET /ignored-deliveries) ----

export const parkedStatus = Type.Enum(['parked', 'replay_requested', 'replayed']);

export const parkedEvent = Type.Object({
  subscriptionId: Type.String(),
  eventId: Type.String(),
  globalPosition,
  eventType: Type.String(),
  triggerName: Type.String(),
  reason: Type.String(),
  attempts: Type.Integer(),
  status: parkedStatus,
  parkedAt: dateTime,
  replayRequestedAt: nullableTime,
  replayedAt: nullableTime,
});

export const ignoredDelivery = Type.Object({
  subscriptionId: Type.String(),
  eventId: Type.String(),
  triggerName: Type.String(),
  workflowId: Type.String(),
  reason: Type.String(),
  recordedAt: dateTime,
});

export type ParkedEventView = Static<typeof parkedEvent>;
export type IgnoredDeliveryView = Static<typeof ignoredDelivery>;

// The store's own records are what these routes answer as they are: a change to one that no longer fits
// its wire shape fails the type check here.
type Fits<Record, Wire> = Record extends Wire ? true : false;
type Holds<Check extends true> = Check;
export type StoreRecordsFitTheWire = Holds<
  | Fits<ParkedEvent, ParkedEventView>
  | Fits<StoredEvent, Static<typeof streamEvent>>
  | Fits<BulkFailure, BulkProgressView['failures'][number]>
>;

/** A shape as a client reads it after JSON: its times are ISO strings. */
export type AsJson<Shape> = Shape extends Date
  ? string
  : Shape extends readonly (infer Item)[]
    ? AsJson<Item>[]
    : Shape extends object
      ? { [Key in keyof Shape]: AsJson<Shape[Key]> }
      : Shape;
