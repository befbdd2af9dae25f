import type { Pool } from 'pg';
import { createSagaReadActivities } from './sagaReads';

/**
 * The shop's own activities: the reads its sagas make beyond `load(aggregate, id)`. The engine adds its
 * command, aggregate-read and bulk-page activities beside them (worker/application.ts).
 */
export function createActivities(pool: Pool) {
  return {
    ...createSagaReadActivities(pool),
  };
}

export type Activities = ReturnType<typeof createActivities>;
