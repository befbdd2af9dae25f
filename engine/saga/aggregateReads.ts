import type { Pool } from 'pg';
import { fold } from '../aggregate/decider';
import type { AggregateRegistry } from '../aggregate/registry';
import { readStream } from '../eventstore/readStream';

/**
 * The one read a saga needs from an aggregate: its current state, folded from its own stream (never from
 * a lagging read model). Generic, so a new saga needs no activity of its own to read an aggregate.
 */
export function createAggregateReadActivities(pool: Pool, registry: AggregateRegistry) {
  return {
    async loadAggregateState(request: { streamType: string; id: string }): Promise<unknown> {
      const aggregate = registry.aggregates.find((candidate) => candidate.streamType === request.streamType);
      if (!aggregate) throw new Error(`no aggregate has the stream type '${request.streamType}'`);
      return fold(aggregate, await readStream(pool, aggregate.streamId(request.id)));
    },
  };
}

export type AggregateReadActivities = ReturnType<typeof createAggregateReadActivities>;
