/**
 * What crosses the wire, once: the shapes the generic routes answer, as TypeBox schemas the routes
 * serialize with, and their types (`Static<>`) for the engine code that builds them, the `procession`
 * command line and the explorer page (both `import type` only: they run no server code).
 *
 * Times are `Date` on the server and ISO strings after JSON (`Date | string` in the types; `AsJson<>`
 * gives the client's view).
 */
export * from './trace';
export * from './sagas';
export * from './bulkTasks';
export * from './log';
export type { AsJson } from './json';
