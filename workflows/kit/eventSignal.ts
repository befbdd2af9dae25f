/** An event delivered to a running saga by the relay; the saga ignores an eventId it has seen. */
export interface EventSignal<Data = unknown> {
  eventId: string;
  eventType: string;
  streamId: string;
  globalPosition: number;
  correlationId: string;
  data: Data;
}
