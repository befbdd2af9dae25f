import { defineAggregate, irreversible, notFound, rejectBecause } from '../../engine/aggregate';
import type { Message } from '../../engine/aggregate';

export type RegisterCustomer = Message<
  'RegisterCustomer',
  { customerId: string; name: string; email: string }
>;
export type DisableCustomer = Message<'DisableCustomer', { customerId: string; reason: string }>;
/**
 * `ifDisabledFor` makes the command conditional on why the customer is disabled now: a bulk task that
 * re-enables the customers disabled for one reason must leave alone one disabled again for another.
 */
export type EnableCustomer = Message<
  'EnableCustomer',
  { customerId: string; reason?: string; ifDisabledFor?: string }
>;
export type CustomerCommand = RegisterCustomer | DisableCustomer | EnableCustomer;

export type CustomerRegistered = Message<
  'CustomerRegistered',
  { customerId: string; name: string; email: string }
>;
export type CustomerDisabled = Message<'CustomerDisabled', { customerId: string; reason: string }>;
export type CustomerEnabled = Message<'CustomerEnabled', { customerId: string; reason?: string }>;
export type CustomerEvent = CustomerRegistered | CustomerDisabled | CustomerEnabled;

export interface CustomerState {
  status: 'none' | 'active' | 'disabled';
  customerId: string;
  name: string;
  email: string;
  disabledReason?: string;
}

const initialState: CustomerState = { status: 'none', customerId: '', name: '', email: '' };

export const customerAggregate = defineAggregate<CustomerCommand, CustomerEvent, CustomerState>({
  streamType: 'customer',
  commandTypes: { RegisterCustomer: true, DisableCustomer: true, EnableCustomer: true },
  idOf: (data) => data.customerId,
  initialState,
  reversals: {
    CustomerRegistered: irreversible(
      'a registration is the customer: undoing it would orphan their orders; disable the customer instead',
    ),
    // Conditional on the reason, so a customer disabled again for another reason since stays disabled.
    CustomerDisabled: ({ data }) => [
      {
        type: 'EnableCustomer',
        data: { customerId: data.customerId, reason: 'reverted', ifDisabledFor: data.reason },
      },
    ],
    CustomerEnabled: ({ data }, before) =>
      before.status === 'disabled'
        ? [
            {
              type: 'DisableCustomer',
              data: { customerId: data.customerId, reason: before.disabledReason ?? 'reverted' },
            },
          ]
        : [],
  },

  evolve(state, event) {
    switch (event.type) {
      case 'CustomerRegistered': {
        const { customerId, name, email } = event.data;
        return { status: 'active', customerId, name, email };
      }
      case 'CustomerDisabled':
        return { ...state, status: 'disabled', disabledReason: event.data.reason };
      case 'CustomerEnabled': {
        const { disabledReason: _dropped, ...rest } = state;
        return { ...rest, status: 'active' };
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterCustomer': {
        const { customerId, name, email } = command.data;
        if (state.status !== 'none') {
          rejectBecause('CustomerAlreadyRegistered', `Customer ${customerId} is already registered`, {
            customerId,
          });
        }
        return [{ type: 'CustomerRegistered', data: { customerId, name, email } }];
      }

      case 'DisableCustomer':
        if (state.status === 'none') notFound('Customer', command.data.customerId);
        // A bulk run may reach a customer twice (retry, overlapping runs); the second visit is a no-op.
        if (state.status === 'disabled') return [];
        return [
          {
            type: 'CustomerDisabled',
            data: { customerId: command.data.customerId, reason: command.data.reason },
          },
        ];

      case 'EnableCustomer': {
        const { customerId, reason, ifDisabledFor } = command.data;
        if (state.status === 'none') notFound('Customer', customerId);
        if (state.status === 'active') return [];
        if (ifDisabledFor !== undefined && state.disabledReason !== ifDisabledFor) return [];
        return [
          { type: 'CustomerEnabled', data: reason === undefined ? { customerId } : { customerId, reason } },
        ];
      }
    }
  },
});
