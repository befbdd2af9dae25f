import type { Pool } from 'pg';
import { createBulkActivities } from './bulkPages';
import { shop } from '../domain/registry';
import { createAggregateReadActivities } from '../engine/saga/aggregateReads';
import { createCommandActivities } from '../engine/saga/commandActivity';
import { createSagaReadActivities } from './sagaReads';

/** Every activity the worker registers; workflows import this type only. */
export function createActivities(pool: Pool) {
  return {
    ...createCommandActivities(pool, shop),
    ...createAggregateReadActivities(pool, shop),
    ...createSagaReadActivities(pool),
    ...createBulkActivities(pool),
  };
}

export type Activities = ReturnType<typeof createActivities>;
