import { Type } from 'typebox';
import { customersRegisteredBeforeRequest } from '../projections/customers/customerSets';
import { defineBulkTask } from '../workflows/kit';
import { reasonText } from './params';

export const disableAllCustomers = defineBulkTask({
  name: 'disable-all-customers',
  title: 'Disable all customers',
  description:
    'Disables every customer registered before the request; one already disabled is left as it is.',
  params: Type.Object({ reason: reasonText }, { additionalProperties: false }),
  items: customersRegisteredBeforeRequest,
  command: (customerId, { reason }) => ({ type: 'DisableCustomer', data: { customerId, reason } }),
});
