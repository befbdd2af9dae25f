import type { LogPosition } from '../eventstore/types';
import type { BulkFailure, BulkParams } from './bulkTaskAggregate';

/** Names one run's item set: the task, its parameters and the request's place in the log. */
export interface BulkSetRequest {
  task: string;
  params: BulkParams;
  asOf: LogPosition;
}

export interface BulkPageRequest extends BulkSetRequest {
  bulkId: string;
  after: string | null;
  limit: number;
  correlationId: string;
}

export interface BulkPageResult {
  handled: number;
  lastItemId: string | null;
  changed: number;
  unchanged: number;
  failures: BulkFailure[];
}

/** The activities the bulk workflow calls; implemented by ./bulkTaskActivities.ts in the worker. */
export interface BulkTaskActivities {
  waitForBulkReadModel(request: BulkSetRequest): Promise<void>;
  countBulkItems(request: BulkSetRequest): Promise<number>;
  processBulkPage(request: BulkPageRequest): Promise<BulkPageResult>;
}
