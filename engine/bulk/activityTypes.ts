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
  /** The highest global position the page appended at, or null when it appended nothing. */
  lastPosition: string | null;
  changed: number;
  unchanged: number;
  failures: BulkFailure[];
}

/** The activities the bulk workflow calls; implemented by ./bulkTaskActivities.ts in the worker. */
export interface BulkTaskActivities {
  waitForBulkReadModel(request: BulkSetRequest): Promise<void>;
  /** Returns once the task's read model reflects the run's writes up to `position`. */
  waitForBulkWrites(request: { task: string; position: string }): Promise<void>;
  countBulkItems(request: BulkSetRequest): Promise<number>;
  processBulkPage(request: BulkPageRequest): Promise<BulkPageResult>;
}
