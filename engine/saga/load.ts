import type { ActivityOptions } from '@temporalio/common';
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { AnyAggregate, StateOf } from '../aggregate/aggregate';
import type { AggregateReadActivities } from './aggregateReads';

const readOptions: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
};
const { loadAggregateState } = proxyActivities<AggregateReadActivities>(readOptions);
// A read has no effect to repeat: run in the workflow task, it skips the server round trips.
const { loadAggregateState: loadAggregateStateLocally } =
  proxyLocalActivities<AggregateReadActivities>(readOptions);

/** Sagas whose history predates this marker keep reading through regular activities. */
export const localReadsPatch = 'procession:local-reads';

/** Inside a saga: the current state of one aggregate instance, typed by its definition. */
export async function load<A extends AnyAggregate>(aggregate: A, id: string): Promise<StateOf<A>> {
  const read = patched(localReadsPatch) ? loadAggregateStateLocally : loadAggregateState;
  return (await read({ streamType: aggregate.streamType, id })) as StateOf<A>;
}
