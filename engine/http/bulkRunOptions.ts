import { Type } from 'typebox';
import type { BulkRunOptions } from '../bulk/bulkTaskAggregate';
import { limitsProblem, maxItemsPerSecondAllowed, maxPagesInFlightAllowed } from '../bulk/flowControl';
import { ApiError } from './errors';
import { describedPattern } from './schemas';

/** `?maxItemsPerSecond=&maxPagesInFlight=&runAt=` on a bulk request: the body stays the task's parameters. */
export const bulkRunQuery = {
  maxItemsPerSecond: Type.Optional(
    Type.String({
      pattern: describedPattern('^[0-9]+(\\.[0-9]+)?$', 'a positive number'),
      description: `Items per second the run may go at most (above 0, at most ${maxItemsPerSecondAllowed}); default: the task's, or no limit`,
    }),
  ),
  maxPagesInFlight: Type.Optional(
    Type.String({
      pattern: describedPattern('^[0-9]+$', 'a whole number'),
      description: `Page activities in flight at once (1 to ${maxPagesInFlightAllowed}); default: the task's window`,
    }),
  ),
  runAt: Type.Optional(
    Type.String({
      format: 'date-time',
      description:
        'Start no earlier than this time (a Temporal timer; cancel stops it before it starts). Default: at once',
    }),
  ),
};

/** The query's options as the request command takes them; 400 naming the problem when a limit is out of range. */
export interface BulkRunQuery {
  maxItemsPerSecond?: string;
  maxPagesInFlight?: string;
  runAt?: string;
}

export function bulkRunOptions(query: BulkRunQuery): BulkRunOptions {
  const limits = {
    ...(query.maxItemsPerSecond === undefined ? {} : { maxItemsPerSecond: Number(query.maxItemsPerSecond) }),
    ...(query.maxPagesInFlight === undefined ? {} : { maxPagesInFlight: Number(query.maxPagesInFlight) }),
  };
  const problem = limitsProblem(limits);
  if (problem) throw new ApiError(400, 'InvalidBulkLimits', problem, { limits });
  return {
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
    ...(query.runAt === undefined ? {} : { runAt: new Date(query.runAt).toISOString() }),
  };
}
