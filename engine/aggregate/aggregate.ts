import type { Decider, Message } from './decider';
import { checkReversals, type Reversals } from './reversal';

/**
 * An aggregate, defined once: its decider, the commands it handles, and how a command names the instance
 * it addresses. Everything else (command routing, stream ids, playback) is derived from this.
 */
export interface Aggregate<Command extends Message, Event extends Message, State> extends Decider<
  Command,
  Event,
  State
> {
  /** Every command type this aggregate handles. */
  readonly commandTypes: readonly Command['type'][];
  /** The id of the instance a command addresses (the part of the stream id after `<streamType>-`). */
  idOf(data: Command['data']): string;
  /** The stream that holds the instance with this id: the one place a stream id is built. */
  streamId(id: string): string;
  /** How each event is undone, when the aggregate declares it (see ./reversal.ts). */
  readonly reversals?: Reversals<Command, Event, State>;
}

export interface AggregateDefinition<Command extends Message, Event extends Message, State> extends Decider<
  Command,
  Event,
  State
> {
  /** Keyed by every command type, so a command the aggregate forgets to list fails to compile. */
  commandTypes: { [Type in Command['type']]: true };
  idOf(data: Command['data']): string;
  /**
   * Optional: per event type, the commands that undo it or `irreversible(reason)`. Keyed by every event
   * type, so one left out fails to compile; entries are checked here.
   */
  reversals?: Reversals<Command, Event, State>;
}

export function defineAggregate<Command extends Message, Event extends Message, State>(
  definition: AggregateDefinition<Command, Event, State>,
): Aggregate<Command, Event, State> {
  if (!/^[a-z][a-zA-Z0-9]*$/.test(definition.streamType))
    throw new Error(`stream type '${definition.streamType}' must be a word: stream ids are <type>-<id>`);
  if (definition.reversals) checkReversals(definition.streamType, definition.reversals);
  return {
    ...definition,
    commandTypes: Object.keys(definition.commandTypes) as Command['type'][],
    streamId: (id) => `${definition.streamType}-${id}`,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any aggregate, whatever its types
export type AnyAggregate = Aggregate<any, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandOf<A> = A extends Aggregate<infer Command, any, any> ? Command : never;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventOf<A> = A extends Aggregate<any, infer Event, any> ? Event : never;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StateOf<A> = A extends Aggregate<any, any, infer State> ? State : never;
