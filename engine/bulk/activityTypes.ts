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
  /** The page: ids after `after`, up to `upTo` (a boundary planned beforehand), at most `limit`. */
  after: string | null;
  upTo: string | null;
  limit: number;
  correlationId: string;
}

export interface BulkPlanRequest extends BulkSetRequest {
  /** Where the planned pages start: the last boundary planned so far. */
  after: string | null;
  pageSize: number;
  /** How many page boundaries to plan. */
  pages: number;
}

export interface BulkPageResult {
  handled: number;
  lastItemId: string | null;
  /** The highest global position the page appended at, or null when it appended nothing. */
  lastPosition: string | null;
  changed: number;
  unchanged: number;
  failures: BulkFailure[];
  /** Items left alone because something else changed them since (absent in results of older workers). */
  skipped?: BulkFailure[];
}

/** The activities the bulk workflow calls; implemented by ./bulkTaskActivities.ts in the worker. */
export interface BulkTaskActivities {
  waitForBulkReadModel(request: BulkSetRequest): Promise<void>;
  /** Returns once the task's read model reflects the run's writes up to `position`. */
  waitForBulkWrites(request: { task: string; position: string }): Promise<void>;
  countBulkItems(request: BulkSetRequest): Promise<number>;
  /** The last id of each of the next `pages` pages (fewer at the end of the set, none past it). */
  planBulkPages(request: BulkPlanRequest): Promise<string[]>;
  processBulkPage(request: BulkPageRequest): Promise<BulkPageResult>;
}
