import type { Pool } from 'pg';
import { fold, type Decider, type Message } from '../aggregate/decider';
import { readStream, type ReadStreamOptions } from '../eventstore/readStream';
import type { StoredEvent } from '../eventstore/types';

export interface LoadedAggregate<State> {
  state: State;
  version: number;
  events: StoredEvent[];
}

/** An aggregate's state folded from its stream (up to a version or a time), or undefined when it has no events. */
export async function loadAggregate<Event extends Message, State>(
  pool: Pool,
  decider: Pick<Decider<Message, Event, State>, 'initialState' | 'evolve'>,
  streamId: string,
  upTo: number | ReadStreamOptions = {},
): Promise<LoadedAggregate<State> | undefined> {
  const events = await readStream(pool, streamId, typeof upTo === 'number' ? { upToVersion: upTo } : upTo);
  const last = events[events.length - 1];
  if (!last) return undefined;
  // The stream id chose the decider, so its events are this decider's events.
  const state = fold(decider, events as unknown as Event[]);
  return { state, version: last.streamVersion, events };
}
