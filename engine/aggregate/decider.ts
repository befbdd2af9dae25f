/** A command or an event: a type name and its data. */
export interface Message<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/**
 * What a decision may depend on besides the command and the state. Passing it in keeps deciders pure:
 * the same inputs always give the same events.
 */
export interface DecisionContext {
  /** 1 for the first delivery of a command; Temporal's attempt number when a saga's activity retries. */
  attempt: number;
  /** The time of the decision, as the caller saw it. */
  now: Date;
}

/** An aggregate written as a decider: pure, no I/O. `decide` throws a DomainError to reject. */
export interface Decider<Command extends Message, Event extends Message, State> {
  /** The stream type prefix: streams are named `<streamType>-<id>`. */
  streamType: string;
  initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State, context: DecisionContext): Event[];
}

export function fold<Event extends Message, State>(
  decider: Pick<Decider<Message, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState);
}
