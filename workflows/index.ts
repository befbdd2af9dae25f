// The workflow bundle's entry point and the one list of sagas: each line exports a saga's workflow (what
// the worker runs) and its definition (what the relay, the replay test and the bench read, via sagasIn).
export * from './orderFulfillment/saga';
export * from './disableAllCustomers/saga';
