import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { LogPosition } from '../eventstore/types';
import type { BulkCounts, BulkFailure, BulkParams } from './bulkTaskAggregate';
import type { BulkLimits } from './flowControl';

export const bulkTaskWorkflowType = 'bulkTask';

/** `<task>:<bulkId>`, e.g. `disable-all-customers:<bulkId>`: one run per request, named by its task. */
export function bulkTaskWorkflowId(task: string, bulkId: string): string {
  return `${task}:${bulkId}`;
}

/** `scheduled`: requested with a `runAt` still ahead; cancel ends it before it starts. */
export type BulkStatus =
  'scheduled' | 'running' | 'paused' | 'cancelling' | 'completed' | 'cancelled' | 'failed';

export interface BulkProgress extends BulkCounts {
  bulkId: string;
  task: string;
  status: BulkStatus;
  processed: number;
  /** The last item id handled: where the next page starts. */
  cursor: string | null;
  /** The first failures, capped so the progress stays small. */
  failures: BulkFailure[];
  /** The first items left alone because something else changed them since (a revert's conflicts). */
  skips?: BulkFailure[];
  /** Why the run stopped on its own (status 'failed'). */
  failureReason?: string;
  /** How many times the run continued as new. */
  generation: number;
  /** The highest global position the run appended at: the outcome waits until the read model reflects it. */
  lastPosition: string | null;
  /** The limits in force now (absent in runs requested before runs had limits). */
  limits?: BulkLimits;
  /** Items per second over the last pages (null until two pages finished). */
  rate?: number | null;
  /** Seconds left at that rate. */
  etaSeconds?: number | null;
  /** When a scheduled run starts (ISO time), as requested. */
  runAt?: string | null;
  /** Epoch ms before which the next page may not start under the rate limit; carried across continue-as-new. */
  nextPageAt?: number;
}

export interface BulkTaskInput {
  bulkId: string;
  task: string;
  /** For the Temporal UI: the task's title. */
  title: string;
  params: BulkParams;
  /** The request event's place in the log: the run covers the task's item set as of it. */
  asOf: LogPosition;
  correlationId: string;
  pageSize: number;
  /** Pages handled per run before continuing as new (keeps history small). */
  pagesPerRun: number;
  /** More failed items than this stops the run as failed. */
  maxFailures: number;
  /** Page activities in flight at once; absent in runs requested before pages ran side by side. */
  window?: number;
  /** The run's starting limits; absent in runs requested before runs had limits. */
  limits?: BulkLimits;
  /** Start no earlier than this (ISO time); absent or past: at once. */
  runAt?: string;
  /** Carried across continue-as-new. */
  carried?: { progress: BulkProgress };
}

export const pauseBulkSignal = defineSignal('pause');
export const resumeBulkSignal = defineSignal('resume');
export const cancelBulkSignal = defineSignal('cancel');
/** New limits for a running run; a field left out keeps its value. */
export const throttleBulkSignal = defineSignal<[Partial<BulkLimits>]>('throttle');
export const bulkProgressQuery = defineQuery<BulkProgress>('progress');
