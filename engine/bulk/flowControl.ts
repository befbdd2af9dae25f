/**
 * How fast a run may go: items per second (null: as fast as pages complete) and pages in flight at once.
 * Set per request (or by the task's defaults) and changed while the run goes (the throttle signal).
 */
export interface BulkLimits {
  maxItemsPerSecond: number | null;
  maxPagesInFlight: number;
}

export const maxPagesInFlightAllowed = 64;
export const maxItemsPerSecondAllowed = 1_000_000;

/** What is wrong with a requested change of limits, or undefined when nothing is. */
export function limitsProblem(limits: Partial<BulkLimits>): string | undefined {
  const { maxItemsPerSecond, maxPagesInFlight } = limits;
  if (
    maxItemsPerSecond !== undefined &&
    maxItemsPerSecond !== null &&
    !(
      Number.isFinite(maxItemsPerSecond) &&
      maxItemsPerSecond > 0 &&
      maxItemsPerSecond <= maxItemsPerSecondAllowed
    )
  )
    return `maxItemsPerSecond must be a number above 0 and at most ${maxItemsPerSecondAllowed}, or null for no limit`;
  if (
    maxPagesInFlight !== undefined &&
    !(
      Number.isInteger(maxPagesInFlight) &&
      maxPagesInFlight >= 1 &&
      maxPagesInFlight <= maxPagesInFlightAllowed
    )
  )
    return `maxPagesInFlight must be a whole number from 1 to ${maxPagesInFlightAllowed}`;
  return undefined;
}

/**
 * A page's size under a rate limit: about one second of items, so the run's pace is even at any limit
 * (a page of 1,000 items at 10 items a second would arrive in bursts 100 seconds apart).
 */
export function pacedPageSize(pageSize: number, limits: BulkLimits): number {
  if (limits.maxItemsPerSecond === null) return pageSize;
  return Math.max(1, Math.min(pageSize, Math.ceil(limits.maxItemsPerSecond)));
}

/** When the next page may start: pages of `items` started no faster than the limit allows, never in a burst. */
export function nextPageAt(
  previousAt: number | undefined,
  now: number,
  items: number,
  limits: BulkLimits,
): number | undefined {
  if (limits.maxItemsPerSecond === null) return undefined;
  return Math.max(previousAt ?? now, now) + (items / limits.maxItemsPerSecond) * 1_000;
}
