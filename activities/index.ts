import type { Pool } from 'pg';
import { createSagaReadActivities } from './sagaReads';

/**
 * The shop's own activities: today only the order saga's reads from before it used `load(aggregate, id)`,
 * for runs that started before then (./sagaReads.ts). The engine adds its command, aggregate-read and
 * bulk-page activities beside them (worker/application.ts).
 */
export function createActivities(pool: Pool) {
  return {
    ...createSagaReadActivities(pool),
  };
}

export type Activities = ReturnType<typeof createActivities>;
