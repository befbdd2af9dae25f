import { Type } from 'typebox';
import { customersDisabledForBeforeRequest } from '../projections/customers/customerSets';
import { defineBulkTask } from '../workflows/kit';
import { reasonText } from './params';

export const enableCustomers = defineBulkTask({
  name: 'enable-customers',
  title: 'Enable customers disabled for a reason',
  description:
    'Re-enables every customer that, as of the request, was disabled with `disabledReason`; one disabled ' +
    'again for another reason since is left disabled.',
  params: Type.Object(
    {
      reason: reasonText,
      disabledReason: Type.String({ minLength: 1, maxLength: 500 }),
    },
    { additionalProperties: false },
  ),
  items: customersDisabledForBeforeRequest,
  command: (customerId, { reason, disabledReason }) => ({
    type: 'EnableCustomer',
    data: { customerId, reason, ifDisabledFor: disabledReason },
  }),
});
