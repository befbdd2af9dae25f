import { proxyActivities } from '@temporalio/workflow';
import type { AnyAggregate, StateOf } from '../aggregate/aggregate';
import type { AggregateReadActivities } from './aggregateReads';

const { loadAggregateState } = proxyActivities<AggregateReadActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

/** Inside a saga: the current state of one aggregate instance, typed by its definition. */
export async function load<A extends AnyAggregate>(aggregate: A, id: string): Promise<StateOf<A>> {
  return (await loadAggregateState({ streamType: aggregate.streamType, id })) as StateOf<A>;
}
