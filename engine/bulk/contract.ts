import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { LogPosition } from '../eventstore/types';
import type { BulkCounts, BulkFailure, BulkParams } from './bulkTaskAggregate';

export const bulkTaskWorkflowType = 'bulkTask';

/** `<task>:<bulkId>`, e.g. `disable-all-customers:<bulkId>`: one run per request, named by its task. */
export function bulkTaskWorkflowId(task: string, bulkId: string): string {
  return `${task}:${bulkId}`;
}

export type BulkStatus = 'running' | 'paused' | 'cancelling' | 'completed' | 'cancelled' | 'failed';

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
  /** Carried across continue-as-new. */
  carried?: { progress: BulkProgress };
}

export const pauseBulkSignal = defineSignal('pause');
export const resumeBulkSignal = defineSignal('resume');
export const cancelBulkSignal = defineSignal('cancel');
export const bulkProgressQuery = defineQuery<BulkProgress>('progress');
