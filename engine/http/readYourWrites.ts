import type { Projection } from '../projections/projection';
import { waitForProjection } from '../projections/projectionRunner';
import type { ApiDependencies } from './dependencies';
import { ApiError } from './errors';
import { Type, type Static, type TObject } from 'typebox';
import { describedPattern } from './schemas';

export const defaultWaitMs = 5_000;
const maxWaitMs = 60_000;

/** Query-string properties every read-model GET accepts. */
export const readYourWritesQuery = {
  minPosition: Type.Optional(
    Type.String({
      pattern: describedPattern(
        '^[0-9]{1,19}$',
        'must be a global position: a whole number of up to 19 digits',
      ),
    }),
  ),
  waitMs: Type.Optional(
    Type.String({
      pattern: describedPattern(
        '^(?:[0-9]{1,4}|[1-5][0-9]{4}|60000)$',
        `must be a whole number of milliseconds from 0 to ${maxWaitMs}`,
      ),
    }),
  ),
};

export type ReadYourWritesQuery = Static<TObject<typeof readYourWritesQuery>>;

/**
 * Read your writes: with `?minPosition=` (a command's answered `position`), waits until the read model
 * has applied that event, up to `?waitMs=` (default 5 s). Past the bound, a 503 says where the read model
 * is, so the client can retry or wait longer; nothing is answered from a read model known to be behind.
 */
export async function awaitReadModel(
  deps: ApiDependencies,
  projection: Projection,
  query: ReadYourWritesQuery,
): Promise<void> {
  if (query.minPosition === undefined) return;
  const timeoutMs = query.waitMs === undefined ? defaultWaitMs : Number(query.waitMs);
  const wait = await waitForProjection(deps.pool, projection, query.minPosition, timeoutMs);
  if (wait.reached) return;
  const at = wait.at?.globalPosition ?? '0';
  throw new ApiError(
    503,
    'ReadModelBehind',
    `The ${projection.name} read model has not reached position ${query.minPosition} after ${wait.waitedMs} ms: ` +
      (wait.eventFound
        ? `it is at position ${at}. Retry, or wait longer with ?waitMs=`
        : `no event at that position is visible yet (it is at position ${at}); check the position, or retry`),
    { readModel: projection.name, minPosition: query.minPosition, position: at, waitedMs: wait.waitedMs },
  );
}
