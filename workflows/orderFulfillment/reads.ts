import type { ActivityOptions } from '@temporalio/common';
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { SagaReadActivities } from '../../activities/sagaReads';
import { customerAggregate, type CustomerState } from '../../domain/customer/customer';
import { orderAggregate, type OrderState } from '../../domain/order/order';
import { load } from '../../engine/saga';
import { orderReadsLocalPatch, orderReadsThroughLoadPatch } from '../patches';

// Runs that started before the saga read through load() replay the shop's own read activities, as
// regular activities or (after orderReadsLocalPatch) local ones: their histories record those types.
const readOptions: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
};
const remoteReads = proxyActivities<SagaReadActivities>(readOptions);
const localReads = proxyLocalActivities<SagaReadActivities>(readOptions);
const oldReads = () => (patched(orderReadsLocalPatch) ? localReads : remoteReads);

/** The order as its stream has it now. */
export async function readOrder(orderId: string): Promise<OrderState> {
  if (patched(orderReadsThroughLoadPatch)) return load(orderAggregate, orderId);
  return oldReads().loadOrder(orderId);
}

/** 'none' for a customer who never registered. */
export async function readCustomerStatus(customerId: string): Promise<CustomerState['status']> {
  if (patched(orderReadsThroughLoadPatch)) return (await load(customerAggregate, customerId)).status;
  return oldReads().loadCustomerStatus(customerId);
}
