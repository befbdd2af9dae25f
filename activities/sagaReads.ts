import type { Pool } from 'pg';
import { fold } from '../domain/decider';
import { customerDecider, type CustomerState } from '../domain/customer/customer';
import { orderDecider, type OrderState } from '../domain/order/order';
import { readStream } from '../eventstore/readStream';

/** Reads sagas need, always from the aggregate's own stream (never the lagging read model). */
export function createSagaReadActivities(pool: Pool) {
  return {
    async loadOrder(orderId: string): Promise<OrderState> {
      return fold(orderDecider, (await readStream(pool, `order-${orderId}`)) as never);
    },
    async loadCustomerStatus(customerId: string): Promise<CustomerState['status']> {
      return fold(customerDecider, (await readStream(pool, `customer-${customerId}`)) as never).status;
    },
  };
}
