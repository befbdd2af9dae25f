import type { StoredEvent } from '../eventstore/types';

/** The part of a logged event a trigger looks at. */
export interface TriggerEvent<Type extends string = string, Data = unknown> {
  eventId: string;
  type: Type;
  streamId: string;
  /** xid8 as a decimal string; with globalPosition, the event's place in read order. */
  transactionId: string;
  /** bigint as a decimal string. */
  globalPosition: string;
  data: Data;
  correlationId: string;
}

/** What a trigger sees of a stored event; an event without a correlation id is its own correlation. */
export function triggerEventOf(event: StoredEvent): TriggerEvent {
  return {
    eventId: event.eventId,
    type: event.type,
    streamId: event.streamId,
    transactionId: event.transactionId,
    globalPosition: event.globalPosition,
    data: event.data,
    correlationId: event.metadata?.correlationId ?? event.eventId,
  };
}

/** What the relay asks Temporal to do for one event. */
export interface SagaDelivery {
  workflowType: string;
  workflowId: string;
  args: unknown[];
  /** Absent: start the saga (or find it running). Present: signal-with-start. */
  signal?: { name: string; args: unknown[] };
  searchAttributes: { sagaType: string; aggregateId: string; correlationId: string };
  /** Shown in the Temporal UI's list and header. */
  summary: string;
  details: string;
  /** 'ignore' (absent): a finished saga is never re-run. 'startAgain': a later event starts a new run. */
  whenFinished?: 'ignore' | 'startAgain';
}

/** Turns one event type into a saga start or signal. Built by defineSaga (engine/saga/defineSaga.ts). */
export interface Trigger<Settings = unknown> {
  /** Stable name: parked and ignored deliveries are recorded under it. */
  name: string;
  eventType: string;
  /** False for an event of the type that this trigger leaves alone (absent: every event applies). */
  appliesTo?(event: TriggerEvent): boolean;
  /** Throws when the event cannot be turned into a delivery (it will be parked). */
  plan(event: TriggerEvent, settings: Settings): SagaDelivery;
}
