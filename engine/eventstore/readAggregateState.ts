import type { Pool } from 'pg';
import type { AnyAggregate, StateOf } from '../aggregate/aggregate';
import { fold } from '../aggregate/decider';
import { readStream } from './readStream';

/** One aggregate instance's current state, folded from its own stream, typed by its definition. */
export async function readAggregateState<A extends AnyAggregate>(
  pool: Pool,
  aggregate: A,
  id: string,
): Promise<StateOf<A>> {
  // The stream holds this aggregate's events only (its stream id says so), so they fold into its state.
  return fold(aggregate, await readStream(pool, aggregate.streamId(id))) as StateOf<A>;
}
