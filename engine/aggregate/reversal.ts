import type { Message } from './decider';

/**
 * Why an event cannot be undone by another event: its effect left the system (a payment captured is
 * reversed by a refund, a business act of its own), or undoing it would lose what it recorded.
 */
export interface Irreversible {
  readonly irreversible: string;
}

export function irreversible(reason: string): Irreversible {
  if (reason.trim() === '') throw new Error('an irreversible event needs its reason');
  return { irreversible: reason };
}

/**
 * How one event type is undone: the commands that reverse it, computed from the event's own data and the
 * state just before it. An empty list means the event changed nothing that needs undoing.
 */
export type Reverse<Command extends Message, E extends Message, State> = (
  event: E,
  before: State,
) => Command[];

/**
 * An aggregate's reversals, keyed by every one of its event types: an event type the declaration forgets
 * fails to compile, and each is either a reversal or `irreversible(reason)`.
 */
export type Reversals<Command extends Message, Event extends Message, State> = {
  [Type in Event['type']]: Reverse<Command, Extract<Event, { type: Type }>, State> | Irreversible;
};

export const isIrreversible = (entry: unknown): entry is Irreversible =>
  typeof entry === 'object' && entry !== null && typeof (entry as Irreversible).irreversible === 'string';

/** Refuses, at definition, an entry that is neither a reversal nor a reasoned `irreversible`. */
export function checkReversals(streamType: string, reversals: Record<string, unknown>): void {
  for (const [type, entry] of Object.entries(reversals)) {
    if (typeof entry === 'function') continue;
    if (isIrreversible(entry) && entry.irreversible.trim() !== '') continue;
    throw new Error(
      `${streamType}: the reversal of ${type} must be a function of (event, state before) or irreversible(reason)`,
    );
  }
}
