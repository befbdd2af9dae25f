import { Type, type Static } from 'typebox';
import { dateTime, nullable, nullableString, uiLink } from '../schemas';

const nullableTime = nullable(dateTime);

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

/** GET /trace?streamId= or ?workflowId=: the correlations to trace. */
export const correlationsFound = Type.Object({ correlationIds: Type.Array(Type.String()) });
export type CorrelationsFound = Static<typeof correlationsFound>;
