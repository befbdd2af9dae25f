import type { Pool } from 'pg';
import type { AggregateRegistry } from '../aggregate/registry';
import { readAggregateState } from '../eventstore/readAggregateState';

/**
 * The one read a saga needs from an aggregate: its current state, folded from its own stream (never from
 * a lagging read model). Generic, so a new saga needs no activity of its own to read an aggregate.
 */
export function createAggregateReadActivities(pool: Pool, registry: AggregateRegistry) {
  return {
    async loadAggregateState(request: { streamType: string; id: string }): Promise<unknown> {
      const aggregate = registry.aggregates.find((candidate) => candidate.streamType === request.streamType);
      if (!aggregate) throw new Error(`no aggregate has the stream type '${request.streamType}'`);
      return readAggregateState(pool, aggregate, request.id);
    },
  };
}

export type AggregateReadActivities = ReturnType<typeof createAggregateReadActivities>;
