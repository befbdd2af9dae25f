import type { Aggregate } from './aggregate';
import type { Message } from './decider';
import { isIrreversible } from './reversal';

export interface RevertStep<Command extends Message> {
  /** The stream version of the event this step undoes. */
  version: number;
  eventType: string;
  commands: Command[];
}

export type RevertPlan<Command extends Message> =
  | { reversible: true; steps: RevertStep<Command>[] }
  | { reversible: false; version: number; eventType: string; reason: string };

/**
 * The commands that take a stream back to `toVersion`, newest event first, each computed from the event
 * and the state just before it. Pure: the caller sends them (or previews them). The first event that
 * cannot be undone makes the whole plan irreversible, with its reason, so nothing is half undone.
 */
export function planRevert<Command extends Message, Event extends Message, State>(
  aggregate: Aggregate<Command, Event, State>,
  events: readonly (Event & { streamVersion: number })[],
  toVersion: number,
): RevertPlan<Command> {
  const reversals = aggregate.reversals as Record<string, unknown> | undefined;
  const steps: RevertStep<Command>[] = [];
  for (let index = events.length - 1; index >= 0 && events[index]!.streamVersion > toVersion; index -= 1) {
    const event = events[index]!;
    const entry = reversals && Object.hasOwn(reversals, event.type) ? reversals[event.type] : undefined;
    const refuse = (reason: string) =>
      ({ reversible: false, version: event.streamVersion, eventType: event.type, reason }) as const;
    if (!reversals) return refuse(`the ${aggregate.streamType} aggregate declares no reversals`);
    if (entry === undefined)
      return refuse(`the ${aggregate.streamType} aggregate declares no reversal of ${event.type}`);
    if (isIrreversible(entry)) return refuse(entry.irreversible);
    const before = events.slice(0, index).reduce(aggregate.evolve, aggregate.initialState);
    const reverse = entry as (event: Event, before: State) => Command[];
    steps.push({ version: event.streamVersion, eventType: event.type, commands: reverse(event, before) });
  }
  return { reversible: true, steps };
}
