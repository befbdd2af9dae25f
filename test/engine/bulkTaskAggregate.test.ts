import { bulkTaskAggregate, type BulkCounts, type BulkTaskEvent } from '../../engine/bulk/bulkTaskAggregate';
import { specFor } from '../../engine/testing/givenWhenThen';

const spec = specFor(bulkTaskAggregate);
const counts: BulkCounts = { total: 3, changed: 1, unchanged: 1, failed: 1 };
const failures = [{ itemId: 'c3', reason: 'CustomerNotFound' }];
const params = { reason: 'shutting down' };
const requested: BulkTaskEvent = {
  type: 'BulkTaskRequested',
  data: { bulkId: 'b1', task: 'disable-all-customers', params, scope: 'asOfRequest' },
};
const completed: BulkTaskEvent = { type: 'BulkTaskCompleted', data: { bulkId: 'b1', counts, failures } };
const cancelled: BulkTaskEvent = { type: 'BulkTaskCancelled', data: { bulkId: 'b1', counts } };
const failed: BulkTaskEvent = {
  type: 'BulkTaskFailed',
  data: { bulkId: 'b1', counts, failures, reason: 'too many failures' },
};
const request = {
  type: 'RequestBulkTask',
  data: { bulkId: 'b1', task: 'disable-all-customers', params },
} as const;

test('uses the bulk stream type', () => {
  expect(bulkTaskAggregate.streamType).toBe('bulk');
  expect(bulkTaskAggregate.streamId('b1')).toBe('bulk-b1');
});

describe('RequestBulkTask', () => {
  test('records the task, its parameters and that the set is bounded by the request', () => {
    const state = spec.given([]).when(request).then([requested]);
    expect(state).toEqual({ status: 'requested', bulkId: 'b1', task: 'disable-all-customers', params });
  });

  test.each(['', 'Disable', 'disable all', '-x'])('rejects the task name %p', (task) => {
    spec
      .given([])
      .when({ type: 'RequestBulkTask', data: { bulkId: 'b1', task, params } })
      .thenRejects({ kind: 'business', code: 'InvalidBulkTaskName' });
  });

  test.each([
    ['requested', [requested]],
    ['completed', [requested, completed]],
    ['cancelled', [requested, cancelled]],
    ['failed', [requested, failed]],
  ])('rejects a second request when %s', (_status, history) => {
    spec.given(history).when(request).thenRejects({ kind: 'business', code: 'BulkTaskAlreadyRequested' });
  });
});

describe('closing a run', () => {
  const complete = { type: 'CompleteBulkTask', data: { bulkId: 'b1', counts, failures } } as const;
  const cancel = { type: 'CancelBulkTask', data: { bulkId: 'b1', counts } } as const;
  const fail = {
    type: 'FailBulkTask',
    data: { bulkId: 'b1', counts, failures, reason: 'too many failures' },
  } as const;

  test('completes with counts and failures', () => {
    const state = spec.given([requested]).when(complete).then([completed]);
    expect(state).toMatchObject({ status: 'completed', counts, failures });
  });

  test('cancels with the counts reached so far', () => {
    expect(spec.given([requested]).when(cancel).then([cancelled])).toMatchObject({
      status: 'cancelled',
      counts,
    });
  });

  test('fails with the reason', () => {
    expect(spec.given([requested]).when(fail).then([failed])).toMatchObject({
      status: 'failed',
      failureReason: 'too many failures',
    });
  });

  test.each([complete, cancel, fail])('$type of a run never requested is not found', (command) => {
    spec
      .given([])
      .when(command)
      .thenRejects({ kind: 'notFound', code: 'BulkTaskNotFound', details: { id: 'b1' } });
  });

  test.each([
    [complete, [requested, completed]],
    [cancel, [requested, cancelled]],
    [fail, [requested, failed]],
  ] as const)('%j twice is a no-op', (command, history) => {
    spec.given(history).when(command).then([]);
  });

  test.each([
    [complete, [requested, cancelled], 'cancelled'],
    [cancel, [requested, completed], 'completed'],
    [fail, [requested, completed], 'completed'],
    [complete, [requested, failed], 'failed'],
  ] as const)('%j cannot contradict an outcome already recorded', (command, history, status) => {
    spec
      .given(history)
      .when(command)
      .thenRejects({ kind: 'business', code: 'BulkTaskClosed', details: { bulkId: 'b1', status } });
  });
});

describe('RevertBulkTask', () => {
  const revert = (revertBulkId: string) =>
    ({ type: 'RevertBulkTask', data: { bulkId: 'b1', revertBulkId } }) as const;
  const revertRequested: BulkTaskEvent = {
    type: 'BulkTaskRevertRequested',
    data: { bulkId: 'b1', revertBulkId: 'r1' },
  };

  test.each([[completed], [cancelled], [failed]])(
    'a finished run (%j) records which run reverts it',
    (outcome) => {
      const state = spec.given([requested, outcome]).when(revert('r1')).then([revertRequested]);
      expect(state).toMatchObject({
        status: outcome.type.replace('BulkTask', '').toLowerCase(),
        revertedBy: 'r1',
      });
    },
  );

  test('a run still going cannot be reverted', () => {
    spec
      .given([requested])
      .when(revert('r1'))
      .thenRejects({ kind: 'business', code: 'BulkTaskStillRunning' });
  });

  test('the same revert again is already in effect; another revert is refused with the first', () => {
    spec.given([requested, completed, revertRequested]).when(revert('r1')).then([]);
    spec
      .given([requested, completed, revertRequested])
      .when(revert('r2'))
      .thenRejects({ kind: 'business', code: 'BulkTaskAlreadyReverted', details: { revertedBy: 'r1' } });
  });

  test('a run never requested is not found', () => {
    spec.given([]).when(revert('r1')).thenRejects({ kind: 'notFound', code: 'BulkTaskNotFound' });
  });
});
