import type { Pool } from 'pg';
import { customerAggregate } from '../domain/customer/customer';
import { orderAggregate } from '../domain/order/order';
import { readAggregateState } from '../engine/eventstore';

/**
 * The order saga's reads from before it read through the engine's `load()`: kept registered only for runs
 * that started before the marker `order-reads-through-load` (workflows/patches.ts) and may still schedule
 * them. Both fold the aggregate's own stream, never the lagging read model.
 */
export function createSagaReadActivities(pool: Pool) {
  return {
    loadOrder: (orderId: string) => readAggregateState(pool, orderAggregate, orderId),
    loadCustomerStatus: async (customerId: string) =>
      (await readAggregateState(pool, customerAggregate, customerId)).status,
  };
}

export type SagaReadActivities = ReturnType<typeof createSagaReadActivities>;
