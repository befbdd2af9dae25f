// Projections (read models), as an application defines them; the runner that keeps them is started by
// engine/application. (defineProjection comes typed against the application from engine/kit.ts.)
export type { Projection, ProjectionDefinition, StoredEventOf } from './projection';
export { waitForProjection, type ProjectionWait } from './projectionRunner';
