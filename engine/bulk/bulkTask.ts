import type { Static, TSchema } from 'typebox';
import type { Message } from '../aggregate/decider';
import type { AggregateRegistry } from '../aggregate/registry';
import type { LogPosition, Queryable } from '../eventstore/types';
import type { Projection } from '../projections/projection';

/** One run's item set: the task's parameters, bounded by the request's place in the log. */
export interface BulkSetScope<Params> {
  params: Params;
  asOf: LogPosition;
}

/** A slice of a set by keyset: ids after `after` (exclusive), up to `upTo` (inclusive), at most `limit`. */
export interface KeyRange {
  after: string | null;
  upTo: string | null;
  limit: number;
}

/**
 * The items a bulk task visits: a keyset-paged query over a read model. Once the read model has reached
 * `asOf`, `page` must return ids in ascending order, never an id outside the range, and the same ids for
 * the same range on every call — or fewer, when items have left the set since (a set may only shrink):
 * that is what lets pages run side by side and a run resume from its cursor after a crash.
 */
export interface BulkItemSet<Params> {
  /**
   * The read model the queries read; a run waits until it has reached the request. Absent for a set read
   * from the event store's own tables, which are current once the request is.
   */
  readModel?: Projection;
  count(db: Queryable, scope: BulkSetScope<Params>): Promise<number>;
  page(db: Queryable, scope: BulkSetScope<Params>, range: KeyRange): Promise<string[]>;
}

export interface BulkTaskDefinition<Command extends Message, Schema extends TSchema> {
  /** Lower-case words joined by '-': the route (`POST /bulk/<name>`) and the workflow id prefix. */
  name: string;
  title: string;
  description: string;
  /** The parameters' JSON schema (a TypeBox schema): the API validates requests against it. */
  params: Schema;
  items: BulkItemSet<Static<Schema>>;
  /** The command for one item; items of one page must address different streams. */
  command(itemId: string, params: Static<Schema>): Command;
  /** Items per page activity (default 1000). */
  pageSize?: number;
  /** Pages per workflow run before continuing as new (default 200). */
  pagesPerRun?: number;
  /** More failed items than this stops the run as failed (default 1000). */
  maxFailures?: number;
  /** Page activities in flight at once (default 4): pages of one run are applied side by side. A request's `maxPagesInFlight` overrides it. */
  window?: number;
  /** Items per second a run may go at most (default: no limit). A request's `maxItemsPerSecond` overrides it. */
  maxItemsPerSecond?: number;
}

/** What one page does to one item: send its command, nothing, or leave it alone and say why. */
export type PlannedItem =
  | { itemId: string; command: Message; expectedVersion?: number }
  /** Already as the task would leave it: counted unchanged. */
  | { itemId: string; command: null }
  /** Changed by something else since the task looked: reported per item and left alone. */
  | { itemId: string; skipped: string }
  /** Cannot be done, for a reason retrying will not change: counted as a failure. */
  | { itemId: string; failed: string };

/** What a page planner may read: the store, the aggregates, and which run and parameters it plans for. */
export interface PagePlanContext {
  db: Queryable;
  registry: AggregateRegistry;
  bulkId: string;
  params: Record<string, unknown>;
}

/** A bulk task with its types erased, as the engine's runtime holds it. */
export interface BulkTask {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly params: TSchema;
  readonly items: BulkItemSet<Record<string, unknown>>;
  /**
   * Each item's command for one page. An application's task takes it from its pure `command`; an
   * engine task (a revert) reads what it needs first, in the page's activity.
   */
  planPage(context: PagePlanContext, itemIds: readonly string[]): Promise<PlannedItem[]>;
  readonly pageSize: number;
  readonly pagesPerRun: number;
  readonly maxFailures: number;
  /** Page activities in flight at once, unless a request says otherwise. */
  readonly window: number;
  readonly maxItemsPerSecond?: number;
}

export const bulkDefaults = { pageSize: 1_000, pagesPerRun: 200, maxFailures: 1_000, window: 4 };

/** `defineBulkTask` checked against the application's commands: the command per item must be one of them. */
export function bulkTaskKit<Command extends Message>() {
  return {
    defineBulkTask<Schema extends TSchema>(definition: BulkTaskDefinition<Command, Schema>): BulkTask {
      if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(definition.name))
        throw new Error(`bulk task name '${definition.name}' must be lower-case words joined by '-'`);
      const { command, ...rest } = definition;
      return {
        ...bulkDefaults,
        ...rest,
        items: definition.items as BulkItemSet<Record<string, unknown>>,
        planPage: async ({ params }, itemIds) =>
          itemIds.map((itemId) => ({ itemId, command: command(itemId, params as Static<Schema>) })),
      };
    },
  };
}

/** The bulk-task command id of one item within one run: a re-run page repeats it, so it applies once. */
export function bulkItemCommandId(bulkId: string, itemId: string): string {
  return `bulk:${bulkId}:${itemId}`;
}

export function bulkTaskNamed(tasks: readonly BulkTask[], name: string): BulkTask | undefined {
  return tasks.find((task) => task.name === name);
}
