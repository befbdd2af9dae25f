// The workflow bundle's entry point: every saga the worker runs.
export { orderFulfillment } from './orderFulfillment/orderFulfillment';
export { disableAllCustomers } from './disableAllCustomers/disableAllCustomers';
