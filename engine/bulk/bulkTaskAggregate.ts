import { defineAggregate } from '../aggregate/aggregate';
import type { Message } from '../aggregate/decider';
import { notFound, rejectBecause } from '../aggregate/errors';

/** What a run did to its items: `changed` appended events, `unchanged` found the item already so. */
export interface BulkCounts {
  total: number;
  changed: number;
  unchanged: number;
  failed: number;
}

export interface BulkFailure {
  itemId: string;
  reason: string;
}

export type BulkParams = Record<string, unknown>;

/**
 * Which items a run covers: the task's item set as it stood at the request's own place in the log. The
 * set is fixed by the log, so it is the same across retries, restarts and read-model rebuilds; the saga
 * learns the request's position from the event that starts it.
 */
export type BulkScope = 'asOfRequest';

export type RequestBulkTask = Message<
  'RequestBulkTask',
  { bulkId: string; task: string; params: BulkParams }
>;
export type CompleteBulkTask = Message<
  'CompleteBulkTask',
  { bulkId: string; counts: BulkCounts; failures: BulkFailure[] }
>;
export type CancelBulkTask = Message<'CancelBulkTask', { bulkId: string; counts: BulkCounts }>;
/** Stopped by the engine, e.g. after more failures than the task allows. */
export type FailBulkTask = Message<
  'FailBulkTask',
  { bulkId: string; counts: BulkCounts; failures: BulkFailure[]; reason: string }
>;
export type BulkTaskCommand = RequestBulkTask | CompleteBulkTask | CancelBulkTask | FailBulkTask;

export type BulkTaskRequested = Message<
  'BulkTaskRequested',
  { bulkId: string; task: string; params: BulkParams; scope: BulkScope }
>;
export type BulkTaskCompleted = Message<
  'BulkTaskCompleted',
  { bulkId: string; counts: BulkCounts; failures: BulkFailure[] }
>;
/** `counts` says how far the run got before it stopped. */
export type BulkTaskCancelled = Message<'BulkTaskCancelled', { bulkId: string; counts: BulkCounts }>;
export type BulkTaskFailed = Message<
  'BulkTaskFailed',
  { bulkId: string; counts: BulkCounts; failures: BulkFailure[]; reason: string }
>;
export type BulkTaskEvent = BulkTaskRequested | BulkTaskCompleted | BulkTaskCancelled | BulkTaskFailed;

export interface BulkTaskState {
  status: 'none' | 'requested' | 'completed' | 'cancelled' | 'failed';
  bulkId: string;
  task: string;
  params: BulkParams;
  counts?: BulkCounts;
  failures?: BulkFailure[];
  failureReason?: string;
}

const initialState: BulkTaskState = { status: 'none', bulkId: '', task: '', params: {} };

const copyCounts = ({ total, changed, unchanged, failed }: BulkCounts): BulkCounts => ({
  total,
  changed,
  unchanged,
  failed,
});
const copyFailures = (failures: readonly BulkFailure[]) =>
  failures.map(({ itemId, reason }) => ({ itemId, reason }));

/** The outcome commands of a run: each closes a requested run once, and refuses to contradict another. */
function close(state: BulkTaskState, bulkId: string, outcome: 'completed' | 'cancelled' | 'failed') {
  if (state.status === 'none') notFound('BulkTask', bulkId);
  if (state.status === outcome) return false;
  if (state.status !== 'requested')
    rejectBecause('BulkTaskClosed', `Bulk task ${bulkId} is already ${state.status}`, {
      bulkId,
      status: state.status,
    });
  return true;
}

/**
 * Every bulk task's request and outcome, whatever the task: one stream per run (`bulk-<bulkId>`). Part of
 * the engine because the generic bulk workflow records on it; an application lists it with its own
 * aggregates.
 */
export const bulkTaskAggregate = defineAggregate<BulkTaskCommand, BulkTaskEvent, BulkTaskState>({
  streamType: 'bulk',
  commandTypes: { RequestBulkTask: true, CompleteBulkTask: true, CancelBulkTask: true, FailBulkTask: true },
  idOf: (data) => data.bulkId,
  initialState,

  evolve(state, event) {
    switch (event.type) {
      case 'BulkTaskRequested': {
        const { bulkId, task, params } = event.data;
        return { status: 'requested', bulkId, task, params };
      }
      case 'BulkTaskCompleted':
        return { ...state, status: 'completed', counts: event.data.counts, failures: event.data.failures };
      case 'BulkTaskCancelled':
        return { ...state, status: 'cancelled', counts: event.data.counts };
      case 'BulkTaskFailed':
        return {
          ...state,
          status: 'failed',
          counts: event.data.counts,
          failures: event.data.failures,
          failureReason: event.data.reason,
        };
    }
  },

  decide(command, state) {
    const { bulkId } = command.data;
    switch (command.type) {
      case 'RequestBulkTask': {
        if (state.status !== 'none')
          rejectBecause('BulkTaskAlreadyRequested', `Bulk task ${bulkId} was already requested`, {
            bulkId,
            status: state.status,
          });
        const { task, params } = command.data;
        if (!/^[a-z][a-z0-9-]*$/.test(task))
          rejectBecause('InvalidBulkTaskName', `'${task}' is not a bulk task name`, { bulkId, task });
        return [{ type: 'BulkTaskRequested', data: { bulkId, task, params, scope: 'asOfRequest' } }];
      }
      case 'CompleteBulkTask': {
        if (!close(state, bulkId, 'completed')) return [];
        const { counts, failures } = command.data;
        return [
          {
            type: 'BulkTaskCompleted',
            data: { bulkId, counts: copyCounts(counts), failures: copyFailures(failures) },
          },
        ];
      }
      case 'CancelBulkTask':
        if (!close(state, bulkId, 'cancelled')) return [];
        return [{ type: 'BulkTaskCancelled', data: { bulkId, counts: copyCounts(command.data.counts) } }];
      case 'FailBulkTask': {
        if (!close(state, bulkId, 'failed')) return [];
        const { counts, failures, reason } = command.data;
        return [
          {
            type: 'BulkTaskFailed',
            data: { bulkId, counts: copyCounts(counts), failures: copyFailures(failures), reason },
          },
        ];
      }
    }
  },
});
