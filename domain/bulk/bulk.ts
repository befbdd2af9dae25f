import { defineAggregate } from '../../engine/aggregate/aggregate';
import type { Message } from '../../engine/aggregate/decider';
import { notFound, rejectBecause } from '../../engine/aggregate/errors';

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

/** A point in the event log, in read order: (transaction id, global position). */
export interface LogPosition {
  /** A PostgreSQL xid8, as a string because it can exceed Number.MAX_SAFE_INTEGER. */
  transactionId: string;
  /** bigint as a decimal string, for the same reason. */
  globalPosition: string;
}

export type BulkOperationKind = 'DisableAllCustomers';

/**
 * Which customers a run covers: every customer whose registration precedes the request's own event in
 * the log (read order). A registration that committed before the request is in it; one that commits
 * later is not. The set is fixed by the log itself, so it is the same across retries, restarts and
 * read-model rebuilds, and the saga learns the request's position from the event it starts from.
 */
export type BulkCustomerSet = 'registeredBeforeRequest';

export type RequestDisableAllCustomers = Message<
  'RequestDisableAllCustomers',
  { bulkId: string; reason: string }
>;
export type CompleteBulkOperation = Message<
  'CompleteBulkOperation',
  { bulkId: string; counts: BulkCounts; failures: BulkFailure[] }
>;
export type CancelBulkOperation = Message<'CancelBulkOperation', { bulkId: string; counts: BulkCounts }>;
export type BulkCommand = RequestDisableAllCustomers | CompleteBulkOperation | CancelBulkOperation;

export type DisableAllCustomersRequested = Message<
  'DisableAllCustomersRequested',
  { bulkId: string; reason: string; customerSet: BulkCustomerSet }
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
  counts?: BulkCounts;
  failures?: BulkFailure[];
}

const initialState: BulkState = {
  status: 'none',
  bulkId: '',
  kind: 'DisableAllCustomers',
  reason: '',
};

function copyCounts({ total, disabled, alreadyDisabled, failed }: BulkCounts): BulkCounts {
  return { total, disabled, alreadyDisabled, failed };
}

export const bulkAggregate = defineAggregate<BulkCommand, BulkEvent, BulkState>({
  streamType: 'bulk',
  commandTypes: { RequestDisableAllCustomers: true, CompleteBulkOperation: true, CancelBulkOperation: true },
  idOf: (data) => data.bulkId,
  initialState,

  evolve(state, event) {
    switch (event.type) {
      case 'DisableAllCustomersRequested': {
        const { bulkId, reason } = event.data;
        return { status: 'requested', bulkId, kind: 'DisableAllCustomers', reason };
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
        const { reason } = command.data;
        if (reason.trim() === '') {
          rejectBecause('InvalidReason', 'A reason is required to disable every customer', { bulkId });
        }
        return [
          {
            type: 'DisableAllCustomersRequested',
            data: { bulkId, reason, customerSet: 'registeredBeforeRequest' },
          },
        ];
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
});
