import type { AnyAggregate, CommandOf, EventOf } from './aggregate';
import type { Message } from './decider';

/**
 * The application's aggregates, and everything derived from them: which aggregate handles a command, the
 * stream it writes to, which aggregate a stream holds. The command handler, playback and the HTTP routes
 * all route through one of these.
 */
export interface AggregateRegistry<A extends AnyAggregate = AnyAggregate> {
  readonly aggregates: readonly A[];
  /**
   * The aggregate that handles this command; throws for a command type no aggregate lists. Found by name,
   * so its types are erased: code that routes by name cannot know statically which aggregate it holds.
   */
  aggregateFor(command: Message): AnyAggregate;
  /** The stream a command writes to. */
  streamIdFor(command: Message): string;
  /** The aggregate a stream named `<streamType>-<id>` holds; ids may themselves contain '-'. */
  aggregateForStream(streamId: string): AnyAggregate | undefined;
  isCommandType(type: string): type is CommandOf<A>['type'];
}

export type RegistryCommand<R> = R extends AggregateRegistry<infer A> ? CommandOf<A> : never;
export type RegistryEvent<R> = R extends AggregateRegistry<infer A> ? EventOf<A> : never;

export function createRegistry<const List extends readonly AnyAggregate[]>(
  aggregates: List,
): AggregateRegistry<List[number]> {
  // Maps rather than objects: a type named `constructor` must not find Object.prototype's.
  const byStreamType = new Map<string, List[number]>();
  const byCommandType = new Map<string, List[number]>();
  for (const aggregate of aggregates) {
    if (byStreamType.has(aggregate.streamType))
      throw new Error(`two aggregates use the stream type '${aggregate.streamType}'`);
    byStreamType.set(aggregate.streamType, aggregate);
    for (const type of aggregate.commandTypes) {
      if (byCommandType.has(type))
        throw new Error(
          `command ${type} is handled by both ${byCommandType.get(type)!.streamType} and ${aggregate.streamType}`,
        );
      byCommandType.set(type, aggregate);
    }
  }
  const aggregateFor = (command: Message) => {
    const aggregate = byCommandType.get(command.type);
    if (!aggregate) throw new Error(`no aggregate handles the command type '${command.type}'`);
    return aggregate;
  };
  return {
    aggregates,
    aggregateFor,
    streamIdFor: (command) => {
      const aggregate = aggregateFor(command);
      return aggregate.streamId(aggregate.idOf(command.data));
    },
    aggregateForStream: (streamId) => {
      const separator = streamId.indexOf('-');
      return separator > 0 ? byStreamType.get(streamId.slice(0, separator)) : undefined;
    },
    isCommandType: (type): type is CommandOf<List[number]>['type'] => byCommandType.has(type),
  };
}
