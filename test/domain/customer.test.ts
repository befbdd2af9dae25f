import { customerAggregate, type CustomerEvent } from '../../domain/customer/customer';
import { specFor } from '../../engine/testing/givenWhenThen';

const spec = specFor(customerAggregate);
const registered: CustomerEvent = {
  type: 'CustomerRegistered',
  data: { customerId: 'c1', name: 'Ada Lovelace', email: 'ada@example.com' },
};
const disabled: CustomerEvent = { type: 'CustomerDisabled', data: { customerId: 'c1', reason: 'fraud' } };

describe('customer', () => {
  test('uses the customer stream type', () => {
    expect(customerAggregate.streamType).toBe('customer');
  });

  describe('RegisterCustomer', () => {
    test('registers a new customer as active', () => {
      const state = spec
        .given([])
        .when({
          type: 'RegisterCustomer',
          data: { customerId: 'c1', name: 'Ada Lovelace', email: 'ada@example.com' },
        })
        .then([registered]);
      expect(state).toEqual({
        status: 'active',
        customerId: 'c1',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
      });
    });

    test.each([
      ['active', [registered]],
      ['disabled', [registered, disabled]],
    ])('rejects a second registration of a %s customer', (_status, history) => {
      spec
        .given(history)
        .when({ type: 'RegisterCustomer', data: { customerId: 'c1', name: 'Other', email: 'o@example.com' } })
        .thenRejects({ kind: 'business', code: 'CustomerAlreadyRegistered' });
    });
  });

  describe('DisableCustomer', () => {
    test('disables an active customer and keeps the reason', () => {
      const state = spec
        .given([registered])
        .when({ type: 'DisableCustomer', data: { customerId: 'c1', reason: 'fraud' } })
        .then([disabled]);
      expect(state).toMatchObject({ status: 'disabled', disabledReason: 'fraud' });
    });

    test('is a no-op for a customer already disabled', () => {
      spec
        .given([registered, disabled])
        .when({ type: 'DisableCustomer', data: { customerId: 'c1', reason: 'another run' } })
        .then([]);
    });

    test('rejects an unknown customer as not found', () => {
      spec
        .given([])
        .when({ type: 'DisableCustomer', data: { customerId: 'c9', reason: 'fraud' } })
        .thenRejects({ kind: 'notFound', code: 'CustomerNotFound', details: { id: 'c9' } });
    });
  });

  describe('EnableCustomer', () => {
    test('enables a disabled customer and forgets the reason', () => {
      const state = spec
        .given([registered, disabled])
        .when({ type: 'EnableCustomer', data: { customerId: 'c1' } })
        .then([{ type: 'CustomerEnabled', data: { customerId: 'c1' } }]);
      expect(state).toEqual({
        status: 'active',
        customerId: 'c1',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
      });
    });

    test('is a no-op for an active customer', () => {
      spec
        .given([registered])
        .when({ type: 'EnableCustomer', data: { customerId: 'c1' } })
        .then([]);
    });

    test('rejects an unknown customer as not found', () => {
      spec
        .given([])
        .when({ type: 'EnableCustomer', data: { customerId: 'c9' } })
        .thenRejects({ kind: 'notFound', code: 'CustomerNotFound' });
    });

    test('records why, when told', () => {
      spec
        .given([registered, disabled])
        .when({ type: 'EnableCustomer', data: { customerId: 'c1', reason: 'appeal upheld' } })
        .then([{ type: 'CustomerEnabled', data: { customerId: 'c1', reason: 'appeal upheld' } }]);
    });

    test('with ifDisabledFor, enables only a customer disabled for that reason now', () => {
      const reason = 'fraud';
      spec
        .given([registered, disabled])
        .when({ type: 'EnableCustomer', data: { customerId: 'c1', ifDisabledFor: reason } })
        .then([{ type: 'CustomerEnabled', data: { customerId: 'c1' } }]);
      const disabledAgain = {
        type: 'CustomerDisabled',
        data: { customerId: 'c1', reason: 'chargeback' },
      } as const;
      const enabled = { type: 'CustomerEnabled', data: { customerId: 'c1' } } as const;
      // Enabled and disabled again for another reason since the bulk task read its set: left alone.
      spec
        .given([registered, disabled, enabled, disabledAgain])
        .when({ type: 'EnableCustomer', data: { customerId: 'c1', ifDisabledFor: reason } })
        .then([]);
    });
  });
});
