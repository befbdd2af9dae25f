import type { Message } from '../aggregate/decider';

/** An event delivered to a running saga by the relay; the saga ignores an eventId it has seen. */
export interface EventSignal<Data = unknown, Type extends string = string> {
  eventId: string;
  eventType: Type;
  streamId: string;
  /** bigint as a decimal string. */
  globalPosition: string;
  correlationId: string;
  data: Data;
}

/**
 * The signal argument for these events, one member per event type: a saga that checks `eventType` has
 * that event's data, typed (`defineSignal<[EventSignalOf<GroupCreated | ChannelCreated>]>`).
 */
export type EventSignalOf<Event extends Message> = Event extends Message
  ? EventSignal<Event['data'], Event['type']>
  : never;
