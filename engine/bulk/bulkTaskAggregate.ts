import { defineAggregate } from '../aggregate/aggregate';
import type { Message } from '../aggregate/decider';
import { notFound, rejectBecause } from '../aggregate/errors';
import { limitsProblem, type BulkLimits } from './flowControl';

/** What a run did to its items: `changed` appended events, `unchanged` found the item already so. */
export interface BulkCounts {
  total: number;
  changed: number;
  unchanged: number;
  failed: number;
  /** Items left alone because something else changed them (a revert's conflicts); absent before reverts. */
  skipped?: number;
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

/** How a run is paced and when it starts; absent: the task's defaults, at once. */
export interface BulkRunOptions {
  limits?: Partial<BulkLimits>;
  /** ISO time; the run waits for it on a Temporal timer and can be cancelled meanwhile. */
  runAt?: string;
}

export type RequestBulkTask = Message<
  'RequestBulkTask',
  { bulkId: string; task: string; params: BulkParams } & BulkRunOptions
>;
export type CompleteBulkTask = Message<
  'CompleteBulkTask',
  { bulkId: string; counts: BulkCounts; failures: BulkFailure[]; skips?: BulkFailure[] }
>;
export type CancelBulkTask = Message<
  'CancelBulkTask',
  { bulkId: string; counts: BulkCounts; skips?: BulkFailure[] }
>;
/** Stopped by the engine, e.g. after more failures than the task allows. */
export type FailBulkTask = Message<
  'FailBulkTask',
  { bulkId: string; counts: BulkCounts; failures: BulkFailure[]; reason: string; skips?: BulkFailure[] }
>;
/** Marks a finished run as reverted by the run `revertBulkId`; the revert run itself is requested apart. */
export type RevertBulkTask = Message<'RevertBulkTask', { bulkId: string; revertBulkId: string }>;
export type BulkTaskCommand =
  RequestBulkTask | CompleteBulkTask | CancelBulkTask | FailBulkTask | RevertBulkTask;

export type BulkTaskRequested = Message<
  'BulkTaskRequested',
  { bulkId: string; task: string; params: BulkParams; scope: BulkScope } & BulkRunOptions
>;
export type BulkTaskCompleted = Message<
  'BulkTaskCompleted',
  { bulkId: string; counts: BulkCounts; failures: BulkFailure[]; skips?: BulkFailure[] }
>;
/** `counts` says how far the run got before it stopped. */
export type BulkTaskCancelled = Message<
  'BulkTaskCancelled',
  { bulkId: string; counts: BulkCounts; skips?: BulkFailure[] }
>;
export type BulkTaskFailed = Message<
  'BulkTaskFailed',
  { bulkId: string; counts: BulkCounts; failures: BulkFailure[]; reason: string; skips?: BulkFailure[] }
>;
export type BulkTaskRevertRequested = Message<
  'BulkTaskRevertRequested',
  { bulkId: string; revertBulkId: string }
>;
export type BulkTaskEvent =
  BulkTaskRequested | BulkTaskCompleted | BulkTaskCancelled | BulkTaskFailed | BulkTaskRevertRequested;

export interface BulkTaskState {
  status: 'none' | 'requested' | 'completed' | 'cancelled' | 'failed';
  bulkId: string;
  task: string;
  params: BulkParams;
  counts?: BulkCounts;
  failures?: BulkFailure[];
  failureReason?: string;
  /** The items a revert left alone, with why (the first ones a run keeps). */
  skips?: BulkFailure[];
  /** The run that reverts this one, once requested. */
  revertedBy?: string;
  /** When the run was asked to start, if not at once. */
  runAt?: string;
}

const initialState: BulkTaskState = { status: 'none', bulkId: '', task: '', params: {} };

const copyCounts = ({ total, changed, unchanged, failed, skipped }: BulkCounts): BulkCounts => ({
  total,
  changed,
  unchanged,
  failed,
  ...(skipped === undefined ? {} : { skipped }),
});
const withSkips = (skips: readonly BulkFailure[] | undefined) =>
  skips === undefined || skips.length === 0 ? {} : { skips: copyFailures(skips) };
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

/** The run options as recorded: checked, and only those given, so a plain request records as before. */
function runOptions(bulkId: string, { limits, runAt }: BulkRunOptions): BulkRunOptions {
  const problem = limits && limitsProblem(limits);
  if (problem) rejectBecause('InvalidBulkLimits', problem, { bulkId, limits });
  if (runAt !== undefined && Number.isNaN(Date.parse(runAt)))
    rejectBecause('InvalidRunAt', `runAt '${runAt}' is not a time`, { bulkId, runAt });
  return {
    ...(limits && Object.keys(limits).length > 0 ? { limits: { ...limits } } : {}),
    ...(runAt === undefined ? {} : { runAt: new Date(runAt).toISOString() }),
  };
}

/** A finished run is reverted at most once; asking again for the same revert run is already in effect. */
function revert(state: BulkTaskState, { bulkId, revertBulkId }: RevertBulkTask['data']): BulkTaskEvent[] {
  if (state.status === 'none') notFound('BulkTask', bulkId);
  if (state.revertedBy === revertBulkId) return [];
  if (state.revertedBy !== undefined)
    rejectBecause(
      'BulkTaskAlreadyReverted',
      `Bulk task ${bulkId} is already reverted by ${state.revertedBy}`,
      {
        bulkId,
        revertedBy: state.revertedBy,
      },
    );
  if (state.status === 'requested')
    rejectBecause(
      'BulkTaskStillRunning',
      `Bulk task ${bulkId} has not finished; cancel it (or let it end) before reverting it`,
      { bulkId },
    );
  return [{ type: 'BulkTaskRevertRequested', data: { bulkId, revertBulkId } }];
}

/**
 * Every bulk task's request and outcome, whatever the task: one stream per run (`bulk-<bulkId>`). Part of
 * the engine because the generic bulk workflow records on it; an application lists it with its own
 * aggregates.
 */
export const bulkTaskAggregate = defineAggregate<BulkTaskCommand, BulkTaskEvent, BulkTaskState>({
  streamType: 'bulk',
  commandTypes: {
    RequestBulkTask: true,
    CompleteBulkTask: true,
    CancelBulkTask: true,
    FailBulkTask: true,
    RevertBulkTask: true,
  },
  idOf: (data) => data.bulkId,
  initialState,

  evolve(state, event) {
    switch (event.type) {
      case 'BulkTaskRequested': {
        const { bulkId, task, params, runAt } = event.data;
        return { status: 'requested', bulkId, task, params, ...(runAt === undefined ? {} : { runAt }) };
      }
      case 'BulkTaskCompleted': {
        const { counts, failures, skips } = event.data;
        return { ...state, status: 'completed', counts, failures, skips };
      }
      case 'BulkTaskCancelled':
        return { ...state, status: 'cancelled', counts: event.data.counts, skips: event.data.skips };
      case 'BulkTaskFailed': {
        const { counts, failures, skips, reason } = event.data;
        return { ...state, status: 'failed', counts, failures, skips, failureReason: reason };
      }
      case 'BulkTaskRevertRequested':
        return { ...state, revertedBy: event.data.revertBulkId };
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
        return [
          {
            type: 'BulkTaskRequested',
            data: { bulkId, task, params, scope: 'asOfRequest', ...runOptions(bulkId, command.data) },
          },
        ];
      }
      case 'CompleteBulkTask': {
        if (!close(state, bulkId, 'completed')) return [];
        const { counts, failures, skips } = command.data;
        return [
          {
            type: 'BulkTaskCompleted',
            data: {
              bulkId,
              counts: copyCounts(counts),
              failures: copyFailures(failures),
              ...withSkips(skips),
            },
          },
        ];
      }
      case 'CancelBulkTask':
        if (!close(state, bulkId, 'cancelled')) return [];
        return [
          {
            type: 'BulkTaskCancelled',
            data: { bulkId, counts: copyCounts(command.data.counts), ...withSkips(command.data.skips) },
          },
        ];
      case 'FailBulkTask': {
        if (!close(state, bulkId, 'failed')) return [];
        const { counts, failures, reason, skips } = command.data;
        return [
          {
            type: 'BulkTaskFailed',
            data: {
              bulkId,
              counts: copyCounts(counts),
              failures: copyFailures(failures),
              reason,
              ...withSkips(skips),
            },
          },
        ];
      }
      case 'RevertBulkTask':
        return revert(state, command.data);
    }
  },
});
