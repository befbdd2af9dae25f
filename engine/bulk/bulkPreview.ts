import type { LogPosition, Queryable } from '../eventstore/types';
import type { BulkTask } from './bulkTask';

/** How many items the sample of a bulk task's dry run shows at most. */
export const bulkSampleSize = 20;

export interface BulkPreview {
  /** The log position the set is bounded by, as a request made now would be. */
  asOf: LogPosition;
  /** How many items a run requested now would visit. */
  count: number;
  /** The first of them, in the order the run visits them. */
  sample: string[];
}

/**
 * A dry run of a bulk task: the set a request made at `asOf` would get, by the task's own count and first
 * page. The caller makes sure the task's read model has reached `asOf`, as a real run waits for it to.
 */
export async function previewBulkTask(
  db: Queryable,
  task: BulkTask,
  params: Record<string, unknown>,
  asOf: LogPosition,
): Promise<BulkPreview> {
  const scope = { params, asOf };
  const [count, sample] = await Promise.all([
    task.items.count(db, scope),
    task.items.page(db, scope, { after: null, upTo: null, limit: bulkSampleSize }),
  ]);
  return { asOf, count, sample };
}
