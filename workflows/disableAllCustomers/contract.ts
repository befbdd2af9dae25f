import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { LogPosition } from '../../domain/bulk/bulk';

export const disableAllCustomersWorkflowType = 'disableAllCustomers';

export function disableAllCustomersWorkflowId(bulkId: string): string {
  return `disable-all-customers:${bulkId}`;
}

export interface BulkFailure {
  customerId: string;
  reason: string;
}

export interface BulkCounts {
  total: number;
  processed: number;
  disabled: number;
  alreadyDisabled: number;
  failed: number;
}

export type BulkStatus = 'running' | 'paused' | 'cancelling' | 'completed' | 'cancelled';

export interface BulkProgress extends BulkCounts {
  bulkId: string;
  status: BulkStatus;
  /** The last customer id handled: where the next page starts. */
  cursor: string | null;
  /** The first failures, capped so the progress stays small. */
  failures: BulkFailure[];
  /** How many times the saga continued as new. */
  generation: number;
}

export interface DisableAllCustomersInput {
  bulkId: string;
  reason: string;
  /** The request event's place in the log: the run covers customers registered before it. */
  asOf: LogPosition;
  correlationId: string;
  pageSize?: number;
  /** Pages handled per run before continuing as new (keeps history small). */
  pagesPerRun?: number;
  /** Carried across continue-as-new. */
  carried?: { progress: BulkProgress };
}

export const pauseBulkSignal = defineSignal('pause');
export const resumeBulkSignal = defineSignal('resume');
export const cancelBulkSignal = defineSignal('cancel');
export const bulkProgressQuery = defineQuery<BulkProgress>('progress');
