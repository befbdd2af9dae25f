import { Type, type Static, type TSchema } from 'typebox';
import type { ParkedEvent } from '../../eventstore/parkedEvents';
import type { StoredEvent } from '../../eventstore/types';
import { dateTime, nullable } from '../schemas';
import type { Fits, Holds } from './json';

/** A global position: bigint as a decimal string, exact past 2^53. */
const globalPosition = Type.String({ pattern: '^[0-9]+$' });
const nullableTime = nullable(dateTime);
const itemsOf = <Item extends TSchema>(item: Item) => Type.Object({ items: Type.Array(item) });

export const streamEvent = Type.Object({
  streamVersion: Type.Integer(),
  globalPosition,
  eventId: Type.String(),
  type: Type.String(),
  schemaVersion: Type.Integer(),
  data: Type.Unknown(),
  metadata: Type.Unknown(),
  recordedAt: dateTime,
  /** Present when the log holds it in an older shape, which readers never see (upcast on read). */
  storedAs: Type.Optional(Type.Object({ type: Type.String(), schemaVersion: Type.Integer() })),
});

/** Playback: the aggregate as it was at a version or a time, and the events that made it so. */
export const streamView = Type.Object({
  streamId: Type.String(),
  version: Type.Integer(),
  state: Type.Unknown(),
  events: Type.Array(streamEvent),
});

export type StreamView = Static<typeof streamView>;

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

export const parkedEventList = itemsOf(parkedEvent);
export const ignoredDeliveryList = itemsOf(ignoredDelivery);

/** POST /parked-events/:eventId/replay (202). */
export const replayRequested = Type.Object({ eventId: Type.String(), replayRequested: Type.Integer() });

export type ParkedEventList = Static<typeof parkedEventList>;
export type ReplayRequested = Static<typeof replayRequested>;

// The store's own records are what these routes answer as they are: a change to one that no longer fits
// its wire shape fails the type check here.
export type StoreRecordsFitTheWire = Holds<
  Fits<ParkedEvent, ParkedEventView> | Fits<StoredEvent, Static<typeof streamEvent>>
>;
