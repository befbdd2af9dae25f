// The event store, as an application's read models and activities use it: the types of the log and its
// positions, and reads of one aggregate's stream. Appending is the command handler's (engine/commands).
export type { Queryable, EventMetadata, CommandMetadata, LogPosition, StoredEvent } from './types';
export { logStart, positionOf, comparePositions } from './types';
export { readStream, readStreams, type ReadStreamOptions } from './readStream';
export { readAggregateState } from './readAggregateState';
