import { bulkAggregate } from '../../domain/bulk/bulk';
import { defineSaga } from '../sagaKit';
import { disableAllCustomersWorkflowId, disableAllCustomersWorkflowType } from './contract';
import { disableAllCustomers } from './disableAllCustomers';

export { disableAllCustomers };

export const disableAllCustomersSaga = defineSaga({
  workflowType: disableAllCustomersWorkflowType,
  workflow: disableAllCustomers,
  workflowId: disableAllCustomersWorkflowId,
  aggregateId: (bulkId) => bulkAggregate.streamId(bulkId),
  summary: (bulkId) => `Disable all customers (bulk ${bulkId})`,
}).startedBy('DisableAllCustomersRequested', {
  name: 'disable-all-customers-requested-starts-bulk',
  key: 'bulkId',
  // The set is "registered before this request": the request's own place in the log bounds it.
  input: (event, settings, bulkId) => ({
    bulkId,
    reason: event.data.reason ?? '',
    asOf: { transactionId: event.transactionId, globalPosition: event.globalPosition },
    correlationId: event.correlationId,
    pageSize: settings.bulkPageSize,
    pagesPerRun: settings.bulkPagesPerRun,
  }),
  details: (event) => [
    `Reason: ${event.data.reason ?? ''}`,
    `Customer set: every customer registered before this request in the log (position ${event.globalPosition}, transaction ${event.transactionId}).`,
    'Signals: pause, resume, cancel. Query: progress.',
  ],
});
