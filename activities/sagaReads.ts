import type { Pool } from 'pg';
import { fold } from '../engine/aggregate/decider';
import { customerAggregate, type CustomerState } from '../domain/customer/customer';
import { orderAggregate, type OrderState } from '../domain/order/order';
import { readStream } from '../engine/eventstore/readStream';

/** Reads sagas need, always from the aggregate's own stream (never the lagging read model). */
export function createSagaReadActivities(pool: Pool) {
  return {
    async loadOrder(orderId: string): Promise<OrderState> {
      return fold(orderAggregate, (await readStream(pool, orderAggregate.streamId(orderId))) as never);
    },
    async loadCustomerStatus(customerId: string): Promise<CustomerState['status']> {
      return fold(
        customerAggregate,
        (await readStream(pool, customerAggregate.streamId(customerId))) as never,
      ).status;
    },
  };
}
