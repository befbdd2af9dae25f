/** An event delivered to a running saga by the relay; the saga ignores an eventId it has seen. */
export interface EventSignal<Data = unknown> {
  eventId: string;
  eventType: string;
  streamId: string;
  /** bigint as a decimal string. */
  globalPosition: string;
  correlationId: string;
  data: Data;
}
