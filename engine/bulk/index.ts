// Bulk tasks, as an application defines and lists them: the item sets its read models offer, the
// bulk-task aggregate its registry lists, and the one generic workflow its workflows module exports.
// (defineBulkTask comes typed against the application from engine/kit.ts.)
export { bulkTaskAggregate } from './bulkTaskAggregate';
export type { BulkTaskCommand, BulkTaskEvent, BulkCounts, BulkFailure } from './bulkTaskAggregate';
export { bulkTask, windowedPagesPatch } from './bulkTaskWorkflow';
export type { BulkItemSet, BulkSetScope, KeyRange, BulkTask, BulkTaskDefinition } from './bulkTask';
export type { BulkSettings } from './bulkTaskSaga';
export type { BulkProgress, BulkStatus, BulkTaskInput } from './contract';
