import { bulkAggregate, type BulkCounts, type BulkEvent } from '../../domain/bulk/bulk';
import { specFor } from './givenWhenThen';

const spec = specFor(bulkAggregate);
const counts: BulkCounts = { total: 3, disabled: 1, alreadyDisabled: 1, failed: 1 };
const failures = [{ customerId: 'c3', reason: 'CustomerNotFound' }];
const requested: BulkEvent = {
  type: 'DisableAllCustomersRequested',
  data: { bulkId: 'b1', reason: 'shutting down', customerSet: 'registeredBeforeRequest' },
};
const completed: BulkEvent = { type: 'BulkOperationCompleted', data: { bulkId: 'b1', counts, failures } };
const cancelled: BulkEvent = { type: 'BulkOperationCancelled', data: { bulkId: 'b1', counts } };

describe('bulk', () => {
  test('uses the bulk stream type', () => {
    expect(bulkAggregate.streamType).toBe('bulk');
  });

  describe('RequestDisableAllCustomers', () => {
    test('records the request and which customers it covers', () => {
      const state = spec
        .given([])
        .when({ type: 'RequestDisableAllCustomers', data: { bulkId: 'b1', reason: 'shutting down' } })
        .then([requested]);
      expect(state).toEqual({
        status: 'requested',
        bulkId: 'b1',
        kind: 'DisableAllCustomers',
        reason: 'shutting down',
      });
    });

    test.each(['', '   '])('rejects blank reason %p', (reason) => {
      spec
        .given([])
        .when({ type: 'RequestDisableAllCustomers', data: { bulkId: 'b1', reason } })
        .thenRejects({ kind: 'business', code: 'InvalidReason' });
    });

    test.each([
      ['requested', [requested]],
      ['completed', [requested, completed]],
      ['cancelled', [requested, cancelled]],
    ])('rejects a second request when %s', (_status, history) => {
      spec
        .given(history)
        .when({ type: 'RequestDisableAllCustomers', data: { bulkId: 'b1', reason: 'again' } })
        .thenRejects({ kind: 'business', code: 'BulkOperationAlreadyRequested' });
    });
  });

  describe('CompleteBulkOperation', () => {
    test('completes with counts and failures', () => {
      const state = spec
        .given([requested])
        .when({ type: 'CompleteBulkOperation', data: { bulkId: 'b1', counts, failures } })
        .then([completed]);
      expect(state).toMatchObject({ status: 'completed', counts, failures });
    });

    test('rejects an unknown operation as not found', () => {
      spec
        .given([])
        .when({ type: 'CompleteBulkOperation', data: { bulkId: 'b1', counts, failures } })
        .thenRejects({ kind: 'notFound', code: 'BulkOperationNotFound', details: { id: 'b1' } });
    });

    test('is a no-op when already completed', () => {
      spec
        .given([requested, completed])
        .when({ type: 'CompleteBulkOperation', data: { bulkId: 'b1', counts, failures: [] } })
        .then([]);
    });

    test('rejects a cancelled operation', () => {
      spec
        .given([requested, cancelled])
        .when({ type: 'CompleteBulkOperation', data: { bulkId: 'b1', counts, failures } })
        .thenRejects({ kind: 'business', code: 'BulkOperationAlreadyCancelled' });
    });
  });

  describe('CancelBulkOperation', () => {
    test('cancels with the counts reached so far', () => {
      const state = spec
        .given([requested])
        .when({ type: 'CancelBulkOperation', data: { bulkId: 'b1', counts } })
        .then([cancelled]);
      expect(state).toMatchObject({ status: 'cancelled', counts });
    });

    test('rejects an unknown operation as not found', () => {
      spec
        .given([])
        .when({ type: 'CancelBulkOperation', data: { bulkId: 'b1', counts } })
        .thenRejects({ kind: 'notFound', code: 'BulkOperationNotFound' });
    });

    test('rejects a completed operation', () => {
      spec
        .given([requested, completed])
        .when({ type: 'CancelBulkOperation', data: { bulkId: 'b1', counts } })
        .thenRejects({ kind: 'business', code: 'BulkOperationAlreadyCompleted' });
    });

    test('is a no-op when already cancelled', () => {
      spec
        .given([requested, cancelled])
        .when({ type: 'CancelBulkOperation', data: { bulkId: 'b1', counts } })
        .then([]);
    });
  });
});
