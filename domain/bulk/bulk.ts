import type { Decider, Message } from '../decider';
import { notFound, rejectBecause } from '../errors';

export interface BulkCounts {
  total: number;
  disabled: number;
  alreadyDisabled: number;
  failed: number;
}

export interface BulkFailure {
  customerId: string;
  reason: string;
}

/**
 * A point in the event log, in read order. The run's customer set is every customer the read model had
 * seen at or before it: fixing it at request time keeps the set the same across retries and restarts, and
 * leaves alone customers who register while the run is going.
 */
export interface LogPosition {
  /** A PostgreSQL xid8, as a string because it can exceed Number.MAX_SAFE_INTEGER. */
  transactionId: string;
  globalPosition: number;
}

export type BulkOperationKind = 'DisableAllCustomers';

export type RequestDisableAllCustomers = Message<
  'RequestDisableAllCustomers',
  { bulkId: string; reason: string; asOf: LogPosition }
>;
export type CompleteBulkOperation = Message<
  'CompleteBulkOperation',
  { bulkId: string; counts: BulkCounts; failures: BulkFailure[] }
>;
export type CancelBulkOperation = Message<'CancelBulkOperation', { bulkId: string; counts: BulkCounts }>;
export type BulkCommand = RequestDisableAllCustomers | CompleteBulkOperation | CancelBulkOperation;

export type DisableAllCustomersRequested = Message<
  'DisableAllCustomersRequested',
  { bulkId: string; reason: string; asOf: LogPosition }
>;
export type BulkOperationCompleted = Message<
  'BulkOperationCompleted',
  { bulkId: string; counts: BulkCounts; failures: BulkFailure[] }
>;
/** `counts` says how far the run got before it stopped. */
export type BulkOperationCancelled = Message<
  'BulkOperationCancelled',
  { bulkId: string; counts: BulkCounts }
>;
export type BulkEvent = DisableAllCustomersRequested | BulkOperationCompleted | BulkOperationCancelled;

export interface BulkState {
  status: 'none' | 'requested' | 'completed' | 'cancelled';
  bulkId: string;
  kind: BulkOperationKind;
  reason: string;
  asOf: LogPosition;
  counts?: BulkCounts;
  failures?: BulkFailure[];
}

const initialState: BulkState = {
  status: 'none',
  bulkId: '',
  kind: 'DisableAllCustomers',
  reason: '',
  asOf: { transactionId: '0', globalPosition: 0 },
};

function copyCounts({ total, disabled, alreadyDisabled, failed }: BulkCounts): BulkCounts {
  return { total, disabled, alreadyDisabled, failed };
}

export const bulkDecider: Decider<BulkCommand, BulkEvent, BulkState> = {
  streamType: 'bulk',
  initialState,

  evolve(state, event) {
    switch (event.type) {
      case 'DisableAllCustomersRequested': {
        const { bulkId, reason, asOf } = event.data;
        return { status: 'requested', bulkId, kind: 'DisableAllCustomers', reason, asOf };
      }
      case 'BulkOperationCompleted':
        return { ...state, status: 'completed', counts: event.data.counts, failures: event.data.failures };
      case 'BulkOperationCancelled':
        return { ...state, status: 'cancelled', counts: event.data.counts };
    }
  },

  decide(command, state) {
    const { bulkId } = command.data;
    switch (command.type) {
      case 'RequestDisableAllCustomers': {
        if (state.status !== 'none') {
          rejectBecause('BulkOperationAlreadyRequested', `Bulk operation ${bulkId} was already requested`, {
            bulkId,
            status: state.status,
          });
        }
        const { reason, asOf } = command.data;
        if (reason.trim() === '') {
          rejectBecause('InvalidReason', 'A reason is required to disable every customer', { bulkId });
        }
        const position = { transactionId: asOf.transactionId, globalPosition: asOf.globalPosition };
        return [{ type: 'DisableAllCustomersRequested', data: { bulkId, reason, asOf: position } }];
      }

      case 'CompleteBulkOperation':
        switch (state.status) {
          case 'none':
            return notFound('BulkOperation', bulkId);
          case 'cancelled':
            return rejectBecause('BulkOperationAlreadyCancelled', `Bulk operation ${bulkId} was cancelled`, {
              bulkId,
            });
          case 'completed':
            return [];
          case 'requested': {
            const counts = copyCounts(command.data.counts);
            const failures = command.data.failures.map(({ customerId, reason }) => ({ customerId, reason }));
            return [{ type: 'BulkOperationCompleted', data: { bulkId, counts, failures } }];
          }
        }
        break;

      case 'CancelBulkOperation':
        switch (state.status) {
          case 'none':
            return notFound('BulkOperation', bulkId);
          case 'completed':
            return rejectBecause('BulkOperationAlreadyCompleted', `Bulk operation ${bulkId} has completed`, {
              bulkId,
            });
          case 'cancelled':
            return [];
          case 'requested':
            return [
              { type: 'BulkOperationCancelled', data: { bulkId, counts: copyCounts(command.data.counts) } },
            ];
        }
        break;
    }
  },
};
