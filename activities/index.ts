import type { Pool } from 'pg';
import { createBulkActivities } from './bulkPages';
import { createCommandActivities } from './executeCommand';
import { createSagaReadActivities } from './sagaReads';

/** Every activity the worker registers; workflows import this type only. */
export function createActivities(pool: Pool) {
  return {
    ...createCommandActivities(pool),
    ...createSagaReadActivities(pool),
    ...createBulkActivities(pool),
  };
}

export type Activities = ReturnType<typeof createActivities>;
