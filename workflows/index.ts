// The workflow bundle's entry point and the one list of sagas: each line exports a saga's workflow (what
// the worker runs) and its definition (what the relay, the replay test and the bench read, via the
// application in worker/application.ts).
export * from './orderFulfillment/saga';
export * from './linkChannels/saga';
export * from './orderRefund/saga';
// Every bulk task (bulkTasks/) runs in the engine's one generic workflow.
export { bulkTask } from '../engine/bulk';
